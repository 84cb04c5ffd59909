//! `lifecircle serve`: the what-if planning page (see SERVE_CONTRACT.md).

pub mod basemap;
