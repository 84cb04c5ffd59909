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
//! figures). The pages below were found with a web search while writing this; they are news
//! items, an official notice and Q&A pages, not a cost survey: a city's 公交成本规制 / 成本监审
//! figures (元 per vehicle-km) beat every default here.
//!
//! * `fare_yuan` = 2 元: the common flat fare of Chinese city buses (Changsha charges its
//!   electric buses "the same rate as the ordinary air-conditioned buses — 2 Yuan",
//!   <http://chinaautoweb.com/2013/07/byd-delivered-30-k9-electric-buses-to-changsha/>).
//!   Customised commuter buses (定制公交) charge more: Beijing's first 24 customised lines
//!   (2013) charged 8–32 元 a trip, and Shenyang planned its fare "not below cost", about 10 元
//!   a day on a monthly card (ChinaBus.Info / 中国客车网, "沈阳将推定制公交", 2014-07-04, as
//!   reproduced at <http://lx176.com/news/2014/0704/52175.shtml>). 2 元 is kept as the default
//!   so that the subsidy is not understated; a park bus charging 8–10 元 is a `[cost]
//!   fare_yuan` away.
//! * `vehicle_day_yuan` = 280 / 450 / 675 / 900 元 for 8 / 19 / 33 / 50 seats. **Sourced for
//!   the largest size (a 12 m bus), vehicle purchase only**: a 12 m electric city bus costs
//!   about 1.8 million 元 (Shenzhen Bus Group, quoted from The Guardian at
//!   <https://yingyu.chazidian.com/show-272484-3>; Changsha paid 2 million 元 for a 12 m BYD
//!   K9 in 2013, chinaautoweb.com above) and lasts 8 years (Shenzhen Bus Group leases its
//!   buses for 8 years, "the leasing period equals the total life of the buses",
//!   <https://citiesclimatefinance.org/financial-instruments/cases/leasing_model_for_electric_buses_and_charging_infrastructure_in_shenzhen_china>).
//!   A park bus runs on `operating_days` = 250 days a year, so 1 800 000 元 ÷ 8 years ÷ 250
//!   days = 900 元 per operating day — in nominal 元 of the quotes (2013–2018), undiscounted,
//!   before purchase subsidies (Shenzhen's operator says more than half of a bus's price is
//!   subsidised; the subsidy is still a public cost). Insurance, garage and management are not
//!   in it. The smaller sizes are **assumptions**: the same ratios to the largest as before
//!   (0.31, 0.5, 0.75), no price of an 8-, 19- or 33-seat bus was found.
//! * `per_vehicle_hour_yuan` = 60 元 (driver), **an assumption checked against found figures**:
//!   a city-bus driver earns about 7 000 元 a month in total (the low end of the 2024 table for
//!   Beijing and Shenzhen, 7 000–9 500 元, and the high end of Chengdu's, 5 000–7 000 元, on the
//!   unsourced Q&A page <http://www.tynfd.cn/qicwd/202507/240922.html>); a month has 21.75 paid
//!   days, (365 − 104 rest days) ÷ 12 (<http://www.qiuxuequan.com/xue-ke/173024.html>), so 174 h
//!   at 8 h a day: 7 000 ÷ 174 = 40.2 元 an hour. An operator keeps 1.3 drivers per vehicle
//!   and 0.6 other staff per vehicle (the staffing standard of 山亭区公交企业客运成本规制,
//!   <http://www.shanting.gov.cn/zwgk/xxgkml/qzbm/qzfbgs/202508/t20250829_2147255.html>):
//!   40.2 × 1.3 = 52 元 for the drivers, 76 元 with the other staff at a driver's wage; 60 元 lies
//!   between. Employer social insurance is not in these wages.
//! * `per_vehicle_km_yuan` = 3 元 (energy, tyres, maintenance): **an assumption**, on the high
//!   side. What was found suggests about 1.4 元 for an electric bus: about 1 元 of electricity
//!   per km (a Changchun driver: 15 km on 15 元 of charge, 2010,
//!   <https://chinabuses.org/news/2010/0827/article_3572.html>) and maintenance of 2 000 元 a
//!   month per bus (unsourced, <https://vknj.top/content/19>) over about 5 000 km a month (the
//!   60 000 km a year above which Shenzhen pays its operating subsidy, The Guardian as quoted
//!   above). A diesel bus costs more per km (Changsha: an electric bus's daily running expense
//!   is a third of a diesel bus's); 3 元 covers both.
//! * `operating_days` = 250: working days a year, 365 − 104 weekend days − 11 public holidays
//!   (the holiday count quoted at qiuxuequan.com above; check the current one).
//! * CO₂: an average car 204.2 g CO₂ per vehicle-km (UK DEFRA 2007 GHG conversion factors,
//!   table 6, combined petrol and diesel; as quoted at sthc.co.uk/portals/shared/calcs.html)
//!   and a full-size diesel bus 822 g per vehicle-km (UK bus fleet average: 4.3 Mt CO₂ over
//!   5.2 billion vehicle-km, as quoted at pulmonurbano.com "bus sources"); the 8-, 19- and
//!   50-seat figures are assumptions scaled by vehicle mass.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Where the default fare comes from, for the report (see the module docs).
pub const FARE_SOURCE: &str = "ChinaBus.Info, 2014-07-04: Beijing's first customised bus lines 8–32 元 a trip, Shenyang about 10 元 a day (http://lx176.com/news/2014/0704/52175.shtml)";

/// Where the default vehicle-day cost of the largest size comes from, for the report (see the
/// module docs).
pub const VEHICLE_DAY_SOURCE: &str = "a 12 m electric bus costs about 1.8 million 元 (Shenzhen Bus Group in The Guardian, https://yingyu.chazidian.com/show-272484-3) and lasts 8 years (Shenzhen's 8-year leases, https://citiesclimatefinance.org/financial-instruments/cases/leasing_model_for_electric_buses_and_charging_infrastructure_in_shenzhen_china): 1 800 000 ÷ 8 ÷ 250 operating days = 900 元, purchase only";

/// The same in Chinese.
pub const VEHICLE_DAY_SOURCE_ZH: &str = "12米纯电动公交车购价约180万元（深圳巴士集团，《卫报》报道，https://yingyu.chazidian.com/show-272484-3），使用8年（深圳公交车融资租赁期8年即车辆寿命，https://citiesclimatefinance.org/financial-instruments/cases/leasing_model_for_electric_buses_and_charging_infrastructure_in_shenzhen_china）：1 800 000 ÷ 8 ÷ 250 运营日 = 900元，仅含购车";

/// Where the default cost per vehicle-hour is checked against, for the report.
pub const VEHICLE_HOUR_SOURCE: &str = "a driver's about 7 000 元 a month (2024 wage table, unsourced Q&A page http://www.tynfd.cn/qicwd/202507/240922.html) ÷ 174 h (21.75 paid days × 8 h) = 40 元/h, × 1.3 drivers per vehicle (山亭区公交成本规制 staffing standard, shanting.gov.cn 2025) = 52 元, 76 元 with 0.6 other staff per vehicle";

/// The same in Chinese.
pub const VEHICLE_HOUR_SOURCE_ZH: &str = "驾驶员月收入约7000元（2024年工资表，无出处的问答页 http://www.tynfd.cn/qicwd/202507/240922.html）÷ 174小时（21.75计薪日 × 8小时）= 40元/小时，× 人车比1.3（山亭区公交企业客运成本规制，shanting.gov.cn 2025）= 52元，含管理人员（人车比0.6）为76元";

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
    /// Boardings per day on today's conventional bus lines serving the parks planned for (the
    /// operator's count, all passengers): today's cost and subsidy per rider trip are computed
    /// from it. `None` (the default): unknown, and those figures are not given, since the
    /// workers of one run are a small part of those lines' riders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub today_boardings_per_day: Option<f64>,
}

impl Default for CostOptions {
    fn default() -> Self {
        CostOptions {
            currency: "元".into(),
            seats: vec![8, 19, 33, 50],
            vehicle_day_yuan: vec![280.0, 450.0, 675.0, 900.0],
            per_vehicle_km_yuan: 3.0,
            per_vehicle_hour_yuan: 60.0,
            fare_yuan: 2.0,
            operating_days: 250.0,
            bus_co2_g_per_km: vec![250.0, 450.0, 822.0, 1000.0],
            car_co2_g_per_km: 204.2,
            car_occupancy: 1.2,
            car_detour_factor: 1.3,
            today_boardings_per_day: None,
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
            (
                "cost.today_boardings_per_day",
                self.today_boardings_per_day.unwrap_or(1.0),
                1e7,
            ),
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
        assert_eq!(c.vehicle_day(8), 280.0);
        assert_eq!(c.vehicle_day(9), 450.0);
        assert_eq!(c.vehicle_day(60), 900.0);
        assert_eq!(c.bus_co2_g_per_km(33), 822.0);
    }

    #[test]
    fn largest_size_day_cost_is_the_cited_price_over_its_life() {
        // 1.8 million 元 for a 12 m electric bus, 8 years, spread over the operating days.
        let c = CostOptions::default();
        let cited = 1_800_000.0 / 8.0 / c.operating_days;
        assert_eq!(cited, 900.0);
        assert_eq!(c.vehicle_day(50), cited);
        assert!(VEHICLE_DAY_SOURCE.contains("1 800 000 ÷ 8 ÷ 250"));
        // The smaller sizes keep their ratios to the largest (an assumption).
        for (seats, ratio) in [(8, 0.31), (19, 0.5), (33, 0.75)] {
            assert!(
                (c.vehicle_day(seats) / cited - ratio).abs() < 0.005,
                "{seats}"
            );
        }
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
