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
//! * `per_vehicle_km_yuan` = 2 元 (energy, tyres, maintenance): **energy from public sources,
//!   maintenance and tyres an assumption**.
//!   - Energy, 1.48 元: a 12 m battery-electric bus uses 138–175 kWh per 100 km at minimum
//!     load, 21–27 % more with full air conditioning and passengers (on-road tests of three
//!     Chinese electric buses, charging losses included: Zhou, Wu et al., "Real-world
//!     performance of battery electric buses and their life-cycle benefits with respect to
//!     energy consumption and carbon dioxide emissions", *Energy* 96 (2016) 603–613,
//!     <https://ideas.repec.org/a/eee/energy/v96y2016icp603-613.html>; the 8 m bus: 79 kWh).
//!     175 kWh × 1.21 = 212 kWh per 100 km, so 2.12 kWh/km. Electricity at 0.7 元/kWh, the
//!     price Yongzhou's transport bureau gave for its electric buses (90 kWh per 100 km × 0.7
//!     元 = 63 元 per 100 km; ChinaBus.Info, 2017-01-09, as reproduced at
//!     <http://lx176.com/news/2017/0109/62248.shtml>), close to Shenzhen's published 10 kV
//!     industrial tariff (0.6246 元/kWh flat, 1.0046 peak, 0.2896 valley, from 2005-06-01,
//!     <http://www.szinvest.gov.cn/info/3.htm>): 2.12 × 0.7 = 1.48 元 per km. A smaller bus
//!     uses less (the 8 m bus: 0.79 kWh/km × 1.27 × 0.7 = 0.70 元), so this is on the high side
//!     for 8- and 19-seat vehicles.
//!   - Maintenance and tyres, 0.5 元 per km: **an assumption**. No published 元-per-km figure
//!     was found. Searched (2026-12, the `pages` and `docs` corpora): "公交 成本规制 车公里 成本
//!     燃料 轮胎 修理费", "公交企业 成本规制 定额 轮胎 修理 每车公里", "公交 车公里成本 修理费
//!     轮胎费 统计公报", "纯电动公交车 维修保养费用 每公里", "新能源公交车 保养 维修 轮胎 费用
//!     每车每年", "electric bus maintenance cost per km China yuan tyres", "Shenzhen Bus Group
//!     electric bus maintenance cost per km" — they found the 山亭区 cost-regulation Q&A
//!     (staffing and fuel rules, no 元 figures), operators saying an electric bus costs far
//!     less to maintain than a diesel one (Yongzhou above; Changsha, chinaautoweb.com), and a
//!     Tangshan operator's budget of 5 % of the purchase price a year for ageing hybrid buses
//!     (<http://ichinaenergy.com/News/1/News_Read.aspx?cp=2&newsid=66490>), which for a 1.8
//!     million 元 bus over Shenzhen's 60 000 assessed km a year would be 1.5 元/km. 0.5 元 lies
//!     between an electric bus's "much lower" and that hybrid figure.
//!   - 1.48 + 0.5 = 1.98, rounded to 2 元. Before this, 3 元 was an unsourced assumption. A
//!     diesel bus costs more per km; a city's 成本规制 / 成本监审 figures replace all of it.
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

/// Where the default cost per vehicle-km comes from, for the report (see the module docs).
pub const VEHICLE_KM_SOURCE: &str = "energy 1.48 元: a 12 m electric bus uses 175 kWh per 100 km at minimum load, 21 % more with air conditioning and passengers (Zhou, Wu et al., Energy 96 (2016) 603–613, https://ideas.repec.org/a/eee/energy/v96y2016icp603-613.html), 2.12 kWh/km × 0.7 元/kWh = 1.48 元 (Yongzhou transport bureau, ChinaBus.Info 2017-01-09, http://lx176.com/news/2017/0109/62248.shtml; Shenzhen 10 kV industrial tariff 0.62 元 flat rate, http://www.szinvest.gov.cn/info/3.htm); maintenance and tyres 0.5 元, an assumption (no published figure found); 1.48 + 0.5 ≈ 2 元";

/// The same in Chinese.
pub const VEHICLE_KM_SOURCE_ZH: &str = "电费1.48元：12米纯电动公交车最小载荷时百公里耗电175千瓦时，满载开空调再增21%（Zhou、Wu等，《Energy》第96卷（2016）603–613页，https://ideas.repec.org/a/eee/energy/v96y2016icp603-613.html），每公里2.12千瓦时 × 0.7元/千瓦时 = 1.48元（永州市交通运输局，中国客车网 2017-01-09，http://lx176.com/news/2017/0109/62248.shtml；深圳10千伏工业电价平段0.62元，http://www.szinvest.gov.cn/info/3.htm）；维修与轮胎0.5元，为假设（未检索到公开数据）；1.48 + 0.5 ≈ 2元";

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
            per_vehicle_km_yuan: 2.0,
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
    /// Annual cost / annual rider trips; `None` without rider trips (unknown, or nobody
    /// carried): never a 0 that reads as "free".
    pub cost_per_rider_trip: Option<f64>,
    /// Annual fare revenue.
    pub annual_fare_revenue: f64,
    /// (Cost − fare revenue) / rider trips; negative: the fares cover the cost. `None`
    /// without rider trips.
    pub subsidy_per_rider_trip: Option<f64>,
    /// Bus CO₂ per rider trip, grams; `None` without rider trips.
    pub co2_g_per_rider_trip: Option<f64>,
    /// CO₂ per rider trip had the same workers driven, grams; `None` without rider trips.
    pub car_co2_g_per_rider_trip: Option<f64>,
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
    let per = |x: f64, n: f64| (n > 0.0).then(|| x / n);
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
        let per_day = 600.0 + 40.0 * 2.0 + 2.0 * 60.0;
        assert!((f.annual_cost - per_day * 250.0).abs() < 1e-6);
        let known = |x: Option<f64>| x.expect("60 rider trips a day");
        assert!((known(f.cost_per_rider_trip) - per_day / 60.0).abs() < 1e-9);
        assert!((known(f.subsidy_per_rider_trip) - (per_day / 60.0 - 2.0)).abs() < 1e-9);
        assert!((known(f.co2_g_per_rider_trip) - 548.0).abs() < 1e-9);
        assert!((known(f.car_co2_g_per_rider_trip) - 10.0 * 204.2 / 1.2).abs() < 1e-9);
    }

    /// Without rider trips the per-trip figures are unknown, not 0 (which would read as a
    /// free service); the annual cost is still counted.
    #[test]
    fn no_rider_trips_means_no_per_trip_figures() {
        let day = DayUse {
            vehicle_day_cost: 900.0,
            vehicle_km: 40.0,
            ..DayUse::default()
        };
        let f = figures(&day, &CostOptions::default());
        assert!(f.annual_cost > 0.0);
        assert_eq!(f.cost_per_rider_trip, None);
        assert_eq!(f.subsidy_per_rider_trip, None);
        assert_eq!(f.co2_g_per_rider_trip, None);
        assert_eq!(f.car_co2_g_per_rider_trip, None);
    }

    /// The default per vehicle-km is the sourced energy (12 m bus, air conditioning and
    /// passengers, 0.7 元/kWh) plus the assumed maintenance and tyres, rounded.
    #[test]
    fn vehicle_km_default_is_the_sourced_energy_plus_maintenance() {
        let kwh_per_km = 175.0 * 1.21 / 100.0;
        let energy = (kwh_per_km * 100.0_f64).round() / 100.0 * 0.7;
        assert!((energy - 1.484).abs() < 1e-9, "{energy}");
        let total = energy + 0.5;
        assert_eq!(CostOptions::default().per_vehicle_km_yuan, total.round());
        assert!(VEHICLE_KM_SOURCE.contains("1.48 + 0.5"));
        assert!(VEHICLE_KM_SOURCE_ZH.contains("1.48 + 0.5"));
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
