//! One park's commute circle again, after its outline or gates changed (the what-if engine,
//! [`crate::whatif`]). [`ParkCommuter`] keeps what [`super::compute_commute`] prepares once per
//! run — every resident unit's place on each network, the bike-share points, the vertex
//! indexes — and runs the very same per-park step (`park_commute` in `commute/mod.rs`) for one
//! park, so that its figures equal a fresh run's.

use super::park::{ScratchPool, Shares, UnitIndex};
use super::{CommuteInputs, CommuteOptions, CommuteRun, ParkCommute};
use crate::coverage::VertexIndex;
use crate::graph::RoadGraph;
use crate::places::Zone;

/// The per-run preparation of the commute stage, owned, to recompute single parks.
pub struct ParkCommuter {
    options: CommuteOptions,
    /// Units, bike-share points and vertex indexes (lent to a run while a park is computed).
    prepared: Option<(UnitIndex, Shares, Vec<VertexIndex>)>,
    total: f64,
    max_ms: u32,
    pool: ScratchPool,
}

impl ParkCommuter {
    /// Prepares the run (snaps every resident unit; the cost of the commute stage's set-up).
    pub fn new(graph: &RoadGraph, inputs: &CommuteInputs<'_>, options: &CommuteOptions) -> Self {
        let run = CommuteRun::new(graph, inputs, options);
        ParkCommuter {
            options: options.clone(),
            prepared: Some((run.units, run.shares, run.indexes)),
            total: run.total,
            max_ms: run.max_ms,
            pool: ScratchPool::new(),
        }
    }

    /// The commute circle of `zone`, as [`super::compute_commute`] computes it (unit times
    /// dropped unless the options keep them).
    pub fn park(
        &mut self,
        graph: &RoadGraph,
        inputs: &CommuteInputs<'_>,
        zone: &Zone,
    ) -> ParkCommute {
        let (units, shares, indexes) = self
            .prepared
            .take()
            .expect("the preparation is given back after every park");
        let run = CommuteRun {
            graph,
            inputs,
            options: &self.options,
            units,
            shares,
            indexes,
            total: self.total,
            max_ms: self.max_ms,
        };
        let mut searches = self.pool.take(graph, inputs.transit);
        let mut park = super::park_commute(&run, zone, &mut searches);
        self.pool.give(searches);
        self.prepared = Some((run.units, run.shares, run.indexes));
        if !self.options.keep_unit_times {
            for m in &mut park.modes {
                m.unit_ms = Vec::new();
            }
        }
        park
    }
}
