//! Stage 6: the 30-minute commute circle (to be completed in this module).

pub mod gtfs;
pub mod lines;
