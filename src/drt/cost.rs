//! What the bus lines cost: the scenario's `[cost]` table and the annual operating cost, cost
//! and subsidy per rider trip, fare revenue and CO₂ per rider trip against driving, per line
//! and in total.
//!
//! Cost of one operating day = Σ over vehicles of the day cost of its size (the smallest
//! listed size with at least its seats; depreciation, insurance, garage, management) + vehicle-
//! km × `per_vehicle_km_yuan` (energy, tyres, maintenance) + vehicle-hours ×
//! `per_vehicle_hour_yuan` (driver). A year is `operating_days` such days; a rider trip is one
//! worker carried one way (morning or evening). A vehicle's day cost is shared among its
//! departures by their hours, so the lines' costs add up to the total exactly.
//!
//! **Defaults, their sources, and which are assumptions** (replace them with the operator's
//! figures):
//!
//! * `fare_yuan` = 2 元: the common flat fare of Chinese city buses. Customised commuter buses
//!   (定制公交) charge more: Beijing's first 24 customised lines (2013) charged 8–32 元 a trip,
//!   and Shenyang planned its fare "not below cost", about 10 元 a day on a monthly card
//!   (ChinaBus.Info / 中国客车网, "沈阳将推定制公交", 2014-07-04, as reproduced at
//!   <http://lx176.com/news/2014/0704/52175.shtml>). 2 元 is kept as the default so that the
//!   subsidy is not understated; a park bus charging 8–10 元 is a `[cost] fare_yuan` away.
//! * `vehicle_day_yuan`, `per_vehicle_km_yuan`, `per_vehicle_hour_yuan`: **assumptions**. No
//!   citable published Chinese figure (交通运输部, a city's 公交成本监审 / 成本规制 report, or a
//!   paper on 定制公交 costs) was found with the search tools used while writing this; the
//!   pages found were unsourced Q&A (a standard city bus costs about 200 万元 to buy; fuel,
//!   maintenance and wages are the main running costs). The defaults are round planning
//!   figures, about 10 元 per vehicle-km all in for a 10–12 m bus, split into day, km and hour
//!   parts.
//! * `operating_days` = 250: working days a year (an assumption).
//! * CO₂: an average car 204.2 g CO₂ per vehicle-km (UK DEFRA 2007 GHG conversion factors,
//!   table 6, combined petrol and diesel; as quoted at sthc.co.uk/portals/shared/calcs.html)
//!   and a full-size diesel bus 822 g per vehicle-km (UK bus fleet average: 4.3 Mt CO₂ over
//!   5.2 billion vehicle-km, as quoted at pulmonurbano.com "bus sources"); the 8-, 19- and
//!   50-seat figures are assumptions scaled by vehicle mass.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Where the default fare comes from, for the report (see the module docs).
pub const FARE_SOURCE: &str = "ChinaBus.Info, 2014-07-04: Beijing's first customised bus lines 8–32 元 a trip, Shenyang about 10 元 a day (http://lx176.com/news/2014/0704/52175.shtml)";

/// The `[cost]` table of the scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CostOptions {
    /// Currency of every figure (written beside them).
    pub currency: String,
    /// Vehicle sizes the day costs below are for, seats, ascending.
    pub seats: Vec<u32>,
    /// Cost per vehicle per operating day for each size in `seats`, in `currency`.
    pub vehicle_day_yuan: Vec<f64>,
    /// Cost per vehicle-km (energy, tyres, maintenance).
    pub per_vehicle_km_yuan: f64,
    /// Cost per vehicle-hour (driver), first stop to last.
    pub per_vehicle_hour_yuan: f64,
    /// Fare per rider trip.
    pub fare_yuan: f64,
    /// Operating days per year.
    pub operating_days: f64,
    /// CO₂ per vehicle-km for each size in `seats`, grams.
    pub bus_co2_g_per_km: Vec<f64>,
    /// CO₂ of an average car, grams per vehicle-km.
    pub car_co2_g_per_km: f64,
    /// Workers per car when they drive instead.
    pub car_occupancy: f64,
    /// Road distance over straight-line distance, for the car trip a rider would drive.
    pub car_detour_factor: f64,
}

impl Default for CostOptions {
    fn default() -> Self {
        CostOptions {
            currency: "元".into(),
            seats: vec![8, 19, 33, 50],
            vehicle_day_yuan: vec![250.0, 400.0, 600.0, 800.0],
            per_vehicle_km_yuan: 3.0,
            per_vehicle_hour_yuan: 60.0,
            fare_yuan: 2.0,
            operating_days: 250.0,
            bus_co2_g_per_km: vec![250.0, 450.0, 822.0, 1000.0],
            car_co2_g_per_km: 204.2,
            car_occupancy: 1.2,
            car_detour_factor: 1.3,
        }
    }
}

impl CostOptions {
    /// Rejects tables that cannot price a vehicle.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &'static str, value: String, hint: &str| {
            Err(Error::InvalidValue {
                what,
                value,
                hint: hint.to_string(),
            })
        };
        let sorted = self.seats.windows(2).all(|w| w[0] < w[1]);
        if self.seats.is_empty() || !sorted || self.seats[0] == 0 {
            return bad(
                "cost.seats",
                format!("{:?}", self.seats),
                "at least one vehicle size, ascending, e.g. [8, 19, 33, 50]",
            );
        }
        for (key, list) in [
            ("cost.vehicle_day_yuan", &self.vehicle_day_yuan),
            ("cost.bus_co2_g_per_km", &self.bus_co2_g_per_km),
        ] {
            if list.len() != self.seats.len() || list.iter().any(|v| !(v.is_finite() && *v >= 0.0))
            {
                return bad(
                    key,
                    format!("{list:?}"),
                    "one non-negative number per size in cost.seats",
                );
            }
        }
        for (key, v) in [
            ("cost.per_vehicle_km_yuan", self.per_vehicle_km_yuan),
            ("cost.per_vehicle_hour_yuan", self.per_vehicle_hour_yuan),
            ("cost.fare_yuan", self.fare_yuan),
            ("cost.car_co2_g_per_km", self.car_co2_g_per_km),
        ] {
            if !(v.is_finite() && (0.0..=1e6).contains(&v)) {
                return bad(key, v.to_string(), "a number from 0 to 1000000");
            }
        }
        for (key, v, max) in [
            ("cost.operating_days", self.operating_days, 366.0),
            ("cost.car_occupancy", self.car_occupancy, 9.0),
            ("cost.car_detour_factor", self.car_detour_factor, 5.0),
        ] {
            if !(v.is_finite() && v > 0.0 && v <= max) {
                return bad(
                    key,
                    v.to_string(),
                    &format!("a number above 0, at most {max}"),
                );
            }
        }
        Ok(())
    }

    fn size_index(&self, seats: u32) -> usize {
        self.seats
            .iter()
            .position(|&s| s >= seats)
            .unwrap_or(self.seats.len().saturating_sub(1))
    }

    /// Day cost of a vehicle with `seats` seats: that of the smallest listed size with at
    /// least as many seats (the largest size beyond the table).
    pub fn vehicle_day(&self, seats: u32) -> f64 {
        self.vehicle_day_yuan
            .get(self.size_index(seats))
            .copied()
            .unwrap_or(0.0)
    }

    /// CO₂ per vehicle-km of a vehicle with `seats` seats, grams.
    pub fn bus_co2_g_per_km(&self, seats: u32) -> f64 {
        self.bus_co2_g_per_km
            .get(self.size_index(seats))
            .copied()
            .unwrap_or(0.0)
    }
}

/// Cost, revenue and CO₂ of a set of departures over a year.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CostFigures {
    /// Annual operating cost.
    pub annual_cost: f64,
    /// Rider trips a year (each worker carried, morning and evening, every operating day).
    pub annual_rider_trips: f64,
    /// Annual cost / annual rider trips.
    pub cost_per_rider_trip: f64,
    /// Annual fare revenue.
    pub annual_fare_revenue: f64,
    /// (Cost − fare revenue) / rider trips; negative: the fares cover the cost.
    pub subsidy_per_rider_trip: f64,
    /// Bus CO₂ per rider trip, grams.
    pub co2_g_per_rider_trip: f64,
    /// CO₂ per rider trip had the same workers driven, grams.
    pub car_co2_g_per_rider_trip: f64,
}

/// What one operating day of some departures consumes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DayUse {
    /// Share of vehicle day costs, in currency.
    pub vehicle_day_cost: f64,
    /// Vehicle-km.
    pub vehicle_km: f64,
    /// Vehicle-hours.
    pub vehicle_h: f64,
    /// Bus CO₂, grams.
    pub co2_g: f64,
    /// Rider trips (boardings, morning and evening).
    pub rider_trips: f64,
    /// Car-km the same riders would drive (before occupancy).
    pub rider_car_km: f64,
}

impl std::ops::AddAssign for DayUse {
    fn add_assign(&mut self, o: DayUse) {
        self.vehicle_day_cost += o.vehicle_day_cost;
        self.vehicle_km += o.vehicle_km;
        self.vehicle_h += o.vehicle_h;
        self.co2_g += o.co2_g;
        self.rider_trips += o.rider_trips;
        self.rider_car_km += o.rider_car_km;
    }
}

/// Annual figures of one day's use.
pub fn figures(day: &DayUse, cost: &CostOptions) -> CostFigures {
    let per_day = day.vehicle_day_cost
        + day.vehicle_km * cost.per_vehicle_km_yuan
        + day.vehicle_h * cost.per_vehicle_hour_yuan;
    let annual_cost = per_day * cost.operating_days;
    let trips = day.rider_trips * cost.operating_days;
    let revenue = trips * cost.fare_yuan;
    let per = |x: f64, n: f64| if n > 0.0 { x / n } else { 0.0 };
    CostFigures {
        annual_cost,
        annual_rider_trips: trips,
        cost_per_rider_trip: per(annual_cost, trips),
        annual_fare_revenue: revenue,
        subsidy_per_rider_trip: per(annual_cost - revenue, trips),
        co2_g_per_rider_trip: per(day.co2_g, day.rider_trips),
        car_co2_g_per_rider_trip: per(
            day.rider_car_km * cost.car_co2_g_per_km / cost.car_occupancy,
            day.rider_trips,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_sizes_round_up() {
        let c = CostOptions::default();
        c.validate().unwrap();
        assert_eq!(c.vehicle_day(8), 250.0);
        assert_eq!(c.vehicle_day(9), 400.0);
        assert_eq!(c.vehicle_day(60), 800.0);
        assert_eq!(c.bus_co2_g_per_km(33), 822.0);
    }

    #[test]
    fn figures_by_hand() {
        let c = CostOptions::default();
        let day = DayUse {
            vehicle_day_cost: 600.0,
            vehicle_km: 40.0,
            vehicle_h: 2.0,
            co2_g: 40.0 * 822.0,
            rider_trips: 60.0,
            rider_car_km: 600.0,
        };
        let f = figures(&day, &c);
        let per_day = 600.0 + 40.0 * 3.0 + 2.0 * 60.0;
        assert!((f.annual_cost - per_day * 250.0).abs() < 1e-6);
        assert!((f.cost_per_rider_trip - per_day / 60.0).abs() < 1e-9);
        assert!((f.subsidy_per_rider_trip - (per_day / 60.0 - 2.0)).abs() < 1e-9);
        assert!((f.co2_g_per_rider_trip - 548.0).abs() < 1e-9);
        assert!((f.car_co2_g_per_rider_trip - 10.0 * 204.2 / 1.2).abs() < 1e-9);
    }

    #[test]
    fn bad_tables_are_refused() {
        let c = CostOptions {
            vehicle_day_yuan: vec![1.0],
            ..CostOptions::default()
        };
        assert!(c.validate().is_err());
        let c = CostOptions {
            seats: vec![33, 8],
            ..CostOptions::default()
        };
        assert!(c.validate().is_err());
    }
}
