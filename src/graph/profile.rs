//! Routing profiles as data: which highway classes each mode may use, which access tags it
//! reads, how it treats one-way streets and how fast it goes. The tables below are the whole
//! interpretation; `build` only applies them.
//!
//! Access: the highway class gives the default ([`HIGHWAY_CLASSES`]); then the mode's access
//! keys are read from general to specific (e.g. car: `access`, `vehicle`, `motor_vehicle`,
//! `motorcar`) and the most specific one with a known value wins ([`ACCESS_VALUES`]).
//! `private` is allowed on foot and by bike (factory grounds and dormitory compounds are
//! private but used by their workers) and denied to cars and buses.
//!
//! Direction: walking ignores one-way streets. Cars, buses and bikes follow `oneway=yes|1|true`
//! and `oneway=-1`, and the one-way implied by `junction=roundabout|circular` and
//! `highway=motorway|motorway_link`; `oneway:bicycle`, `oneway:bus` and `oneway:psv` override
//! `oneway` for their mode, and `cycleway[:left|:right|:both]=opposite*` opens a one-way street
//! to bikes in both directions.
//!
//! Speeds (km/h): walk 4.5, bike 15, e-bike 20 (bikes pushed on footways at walking speed);
//! car by highway class, or `maxspeed` × 0.8 when it parses (plain number, `km/h`, `mph`);
//! bus = car speed × 0.8 for acceleration and traffic (dwell at stops is added by the stages
//! that model stops). All overridable through [`GraphOptions`].
//!
//! Unsupported: turn restrictions (not needed at planning scale), time-conditional access,
//! `maxspeed:forward/backward`, lanes, surface and incline.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;
use crate::osm::Tags;

/// A travel mode; each has its own profile and its own routing graph over the shared topology.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// On foot.
    Walk,
    /// Own or shared bicycle.
    Bike,
    /// Electric bicycle (China: non-motorised lanes, faster).
    Ebike,
    /// Private car.
    Car,
    /// Bus (public, or a reservation bus).
    Bus,
}

impl Mode {
    /// All modes, in index order.
    pub const ALL: [Mode; 5] = [Mode::Walk, Mode::Bike, Mode::Ebike, Mode::Car, Mode::Bus];

    /// Dense index (0..5).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Lower-case name as used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Walk => "walk",
            Mode::Bike => "bike",
            Mode::Ebike => "ebike",
            Mode::Car => "car",
            Mode::Bus => "bus",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Mode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Mode::ALL
            .into_iter()
            .find(|m| m.name() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| Error::InvalidValue {
                what: "mode",
                value: s.to_string(),
                hint: "use one of walk, bike, ebike, car, bus".into(),
            })
    }
}

/// Default access of a highway class for one mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Not allowed.
    No,
    /// Allowed at the mode's speed.
    Yes,
    /// Bikes only: allowed, pushed at walking speed.
    Push,
}

/// One row of the highway table.
#[derive(Clone, Copy, Debug)]
pub struct HighwayClass {
    /// The `highway=*` value.
    pub highway: &'static str,
    /// Walking.
    pub walk: Access,
    /// Bike and e-bike.
    pub cycle: Access,
    /// Car.
    pub car: Access,
    /// Bus.
    pub bus: Access,
    /// Typical car speed, km/h (bus: × [`GraphOptions::bus_speed_factor`]).
    pub car_kmh: f64,
    /// Whether the class implies `oneway=yes` for vehicles.
    pub implied_oneway: bool,
}

const fn class(
    highway: &'static str,
    walk: Access,
    cycle: Access,
    car: Access,
    bus: Access,
    car_kmh: f64,
) -> HighwayClass {
    HighwayClass {
        highway,
        walk,
        cycle,
        car,
        bus,
        car_kmh,
        implied_oneway: false,
    }
}

use Access::{No, Push, Yes};

/// Highway classes the graph uses; other `highway` values (`proposed`, `construction`,
/// `platform`, `raceway`, …) are not routable and are counted. Classes closed to cars have a
/// car speed of 10 km/h, used only where an access tag lets a vehicle in (`psv=designated`
/// on a pedestrian street, `motor_vehicle=yes` on a track).
#[rustfmt::skip]
pub const HIGHWAY_CLASSES: &[HighwayClass] = &[
    //     highway           walk  cycle car  bus  car km/h
    HighwayClass { implied_oneway: true, ..class("motorway", No, No, Yes, Yes, 100.0) },
    HighwayClass { implied_oneway: true, ..class("motorway_link", No, No, Yes, Yes, 60.0) },
    class("trunk",            Yes, Yes, Yes, Yes, 80.0),
    class("trunk_link",       Yes, Yes, Yes, Yes, 50.0),
    class("primary",          Yes, Yes, Yes, Yes, 60.0),
    class("primary_link",     Yes, Yes, Yes, Yes, 50.0),
    class("secondary",        Yes, Yes, Yes, Yes, 50.0),
    class("secondary_link",   Yes, Yes, Yes, Yes, 40.0),
    class("tertiary",         Yes, Yes, Yes, Yes, 40.0),
    class("tertiary_link",    Yes, Yes, Yes, Yes, 30.0),
    class("unclassified",     Yes, Yes, Yes, Yes, 30.0),
    class("residential",      Yes, Yes, Yes, Yes, 25.0),
    class("road",             Yes, Yes, Yes, Yes, 25.0),
    class("living_street",    Yes, Yes, Yes, Yes, 10.0),
    class("service",          Yes, Yes, Yes, Yes, 15.0),
    class("track",            Yes, Yes, Yes, No,  10.0),
    class("busway",           No,  No,  No,  Yes, 40.0),
    class("bus_guideway",     No,  No,  No,  Yes, 40.0),
    class("pedestrian",       Yes, Push, No, No,  10.0),
    class("footway",          Yes, Push, No, No,  10.0),
    class("corridor",         Yes, Push, No, No,  10.0),
    class("path",             Yes, Yes, No,  No,  10.0),
    class("cycleway",         Yes, Yes, No,  No,  10.0),
    class("bridleway",        Yes, No,  No,  No,  10.0),
    class("steps",            Yes, No,  No,  No,  10.0),
];

/// How access tag values read. `private` depends on the mode ([`Profile::private_allowed`]);
/// values not listed are ignored (the next less specific key decides).
#[rustfmt::skip]
pub const ACCESS_VALUES: &[(&str, Option<Access>)] = &[
    ("yes", Some(Yes)), ("designated", Some(Yes)), ("permissive", Some(Yes)),
    ("destination", Some(Yes)), ("delivery", Some(Yes)), ("customers", Some(Yes)),
    ("official", Some(Yes)), ("permit", Some(Yes)),
    ("dismount", Some(Push)),
    ("no", Some(No)), ("agricultural", Some(No)), ("forestry", Some(No)),
    ("military", Some(No)), ("emergency", Some(No)), ("use_sidepath", Some(No)),
    ("private", None), // see Profile::private_allowed
];

/// Where a mode's speed comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SpeedSource {
    /// The fixed speed of a person or bike.
    Fixed,
    /// The car speed of the highway class or `maxspeed`.
    Road,
    /// Car speed × [`GraphOptions::bus_speed_factor`].
    Bus,
}

/// The rules of one mode.
#[derive(Clone, Copy, Debug)]
pub struct Profile {
    /// The mode.
    pub mode: Mode,
    /// Access keys from general to specific.
    pub access_keys: &'static [&'static str],
    /// Whether `access=private` (or `foot=private`, …) lets this mode through.
    pub private_allowed: bool,
    /// Whether the mode follows one-way streets.
    pub follows_oneway: bool,
    /// Mode-specific one-way keys that override `oneway` (most specific first).
    pub oneway_override_keys: &'static [&'static str],
    /// Whether `cycleway*=opposite*` makes a one-way street two-way for this mode.
    pub opposite_cycleway: bool,
    /// Speed source.
    pub speed: SpeedSource,
}

/// The five profiles, indexed by [`Mode::index`].
pub const PROFILES: [Profile; 5] = [
    Profile {
        mode: Mode::Walk,
        access_keys: &["access", "foot"],
        private_allowed: true,
        follows_oneway: false,
        oneway_override_keys: &[],
        opposite_cycleway: false,
        speed: SpeedSource::Fixed,
    },
    Profile {
        mode: Mode::Bike,
        access_keys: &["access", "vehicle", "bicycle"],
        private_allowed: true,
        follows_oneway: true,
        oneway_override_keys: &["oneway:bicycle"],
        opposite_cycleway: true,
        speed: SpeedSource::Fixed,
    },
    Profile {
        mode: Mode::Ebike,
        access_keys: &["access", "vehicle", "bicycle"],
        private_allowed: true,
        follows_oneway: true,
        oneway_override_keys: &["oneway:bicycle"],
        opposite_cycleway: true,
        speed: SpeedSource::Fixed,
    },
    Profile {
        mode: Mode::Car,
        access_keys: &["access", "vehicle", "motor_vehicle", "motorcar"],
        private_allowed: false,
        follows_oneway: true,
        oneway_override_keys: &[],
        opposite_cycleway: false,
        speed: SpeedSource::Road,
    },
    Profile {
        mode: Mode::Bus,
        access_keys: &["access", "vehicle", "motor_vehicle", "psv", "bus"],
        private_allowed: false,
        follows_oneway: true,
        oneway_override_keys: &["oneway:bus", "oneway:psv"],
        opposite_cycleway: false,
        speed: SpeedSource::Bus,
    },
];

/// Speeds and factors; every number a planner may want to change.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GraphOptions {
    /// Walking speed, km/h (elderly preset: 3.6).
    pub walk_kmh: f64,
    /// Bike speed, km/h.
    pub bike_kmh: f64,
    /// E-bike speed, km/h.
    pub ebike_kmh: f64,
    /// Car speed = `maxspeed` × this, when `maxspeed` parses.
    pub maxspeed_factor: f64,
    /// Bus speed = car speed × this.
    pub bus_speed_factor: f64,
}

impl Default for GraphOptions {
    fn default() -> Self {
        GraphOptions {
            walk_kmh: 4.5,
            bike_kmh: 15.0,
            ebike_kmh: 20.0,
            maxspeed_factor: 0.8,
            bus_speed_factor: 0.8,
        }
    }
}

/// What a way allows for one mode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WayRule {
    /// Usable in way direction.
    pub forward: bool,
    /// Usable against way direction.
    pub backward: bool,
    /// Speed, km/h.
    pub speed_kmh: f64,
}

/// The row of `highway`, if routable.
pub fn highway_class(highway: &str) -> Option<&'static HighwayClass> {
    HIGHWAY_CLASSES.iter().find(|c| c.highway == highway)
}

/// Parses `maxspeed` to km/h: `50`, `50 km/h`, `50kmh`, `30 mph`. Other values (`none`,
/// `signals`, `DE:urban`, `50;30`) give `None`.
pub fn parse_maxspeed(value: &str) -> Option<f64> {
    let v = value.trim();
    let (number, factor) = if let Some(n) = v.strip_suffix("mph") {
        (n, 1.609_344)
    } else if let Some(n) = v
        .strip_suffix("km/h")
        .or_else(|| v.strip_suffix("kmh"))
        .or_else(|| v.strip_suffix("kph"))
    {
        (n, 1.0)
    } else {
        (v, 1.0)
    };
    let kmh = number.trim().parse::<f64>().ok()? * factor;
    (kmh.is_finite() && kmh > 0.0).then_some(kmh)
}

impl Profile {
    /// The profile of a mode.
    pub fn of(mode: Mode) -> &'static Profile {
        &PROFILES[mode.index()]
    }

    fn class_access(&self, class: &HighwayClass) -> Access {
        match self.mode {
            Mode::Walk => class.walk,
            Mode::Bike | Mode::Ebike => class.cycle,
            Mode::Car => class.car,
            Mode::Bus => class.bus,
        }
    }

    /// Access after the access tags.
    fn access(&self, class: &HighwayClass, tags: &Tags) -> Access {
        let mut access = self.class_access(class);
        for key in self.access_keys {
            let Some(value) = tags.get(key) else { continue };
            match ACCESS_VALUES.iter().find(|(v, _)| *v == value) {
                Some((_, Some(a))) => access = *a,
                Some((_, None)) => access = if self.private_allowed { Yes } else { No },
                None => {}
            }
        }
        if access == Push && !matches!(self.mode, Mode::Bike | Mode::Ebike) {
            access = Yes;
        }
        access
    }

    /// `(forward, backward)` allowed by one-way rules.
    fn directions(&self, class: &HighwayClass, tags: &Tags) -> (bool, bool) {
        if !self.follows_oneway {
            return (true, true);
        }
        let value = self
            .oneway_override_keys
            .iter()
            .find_map(|k| tags.get(k))
            .or_else(|| tags.get("oneway"));
        match value {
            Some("yes" | "1" | "true") => {
                if self.opposite_cycleway && opens_opposite_cycleway(tags) {
                    (true, true)
                } else {
                    (true, false)
                }
            }
            Some("-1" | "reverse") => {
                if self.opposite_cycleway && opens_opposite_cycleway(tags) {
                    (true, true)
                } else {
                    (false, true)
                }
            }
            Some("no" | "0" | "false") => (true, true),
            _ => {
                let implied = class.implied_oneway
                    || matches!(tags.get("junction"), Some("roundabout" | "circular"));
                if implied && !(self.opposite_cycleway && opens_opposite_cycleway(tags)) {
                    (true, false)
                } else {
                    (true, true)
                }
            }
        }
    }

    /// Applies the profile to a way. Returns `None` when the mode may not use it; the flag
    /// says whether a `maxspeed` tag was present but could not be parsed.
    pub fn rule(
        &self,
        class: &HighwayClass,
        tags: &Tags,
        options: &GraphOptions,
    ) -> (Option<WayRule>, bool) {
        let access = self.access(class, tags);
        if access == No {
            return (None, false);
        }
        let (forward, backward) = self.directions(class, tags);
        let mut bad_maxspeed = false;
        let speed_kmh = match (self.speed, access) {
            (_, Push) => options.walk_kmh,
            (SpeedSource::Fixed, _) => match self.mode {
                Mode::Walk => options.walk_kmh,
                Mode::Bike => options.bike_kmh,
                _ => options.ebike_kmh,
            },
            (SpeedSource::Road | SpeedSource::Bus, _) => {
                let road = match tags.get("maxspeed").map(parse_maxspeed) {
                    Some(Some(kmh)) => kmh * options.maxspeed_factor,
                    Some(None) => {
                        bad_maxspeed = true;
                        class.car_kmh
                    }
                    None => class.car_kmh,
                };
                if self.speed == SpeedSource::Bus {
                    road * options.bus_speed_factor
                } else {
                    road
                }
            }
        };
        if speed_kmh <= 0.0 {
            return (None, bad_maxspeed);
        }
        (
            Some(WayRule {
                forward,
                backward,
                speed_kmh,
            }),
            bad_maxspeed,
        )
    }
}

fn opens_opposite_cycleway(tags: &Tags) -> bool {
    [
        "cycleway",
        "cycleway:left",
        "cycleway:right",
        "cycleway:both",
    ]
    .iter()
    .any(|k| tags.get(k).is_some_and(|v| v.starts_with("opposite")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(mode: Mode, tags: &[(&str, &str)]) -> Option<WayRule> {
        let tags = Tags::new(tags.iter().copied());
        let class = highway_class(tags.get("highway").unwrap()).unwrap();
        Profile::of(mode)
            .rule(class, &tags, &GraphOptions::default())
            .0
    }

    #[test]
    fn class_defaults() {
        assert!(rule(Mode::Walk, &[("highway", "motorway")]).is_none());
        assert!(rule(Mode::Bike, &[("highway", "motorway")]).is_none());
        assert!(rule(Mode::Car, &[("highway", "footway")]).is_none());
        assert!(rule(Mode::Car, &[("highway", "steps")]).is_none());
        assert!(rule(Mode::Car, &[("highway", "pedestrian")]).is_none());
        assert!(rule(Mode::Car, &[("highway", "busway")]).is_none());
        assert!(rule(Mode::Bus, &[("highway", "busway")]).is_some());
        assert_eq!(
            rule(Mode::Bike, &[("highway", "footway")])
                .unwrap()
                .speed_kmh,
            4.5
        );
    }

    #[test]
    fn specific_access_keys_win() {
        assert!(
            rule(
                Mode::Walk,
                &[
                    ("highway", "residential"),
                    ("access", "no"),
                    ("foot", "yes")
                ]
            )
            .is_some()
        );
        assert!(
            rule(
                Mode::Car,
                &[("highway", "residential"), ("motor_vehicle", "no")]
            )
            .is_none()
        );
        assert!(
            rule(
                Mode::Bus,
                &[
                    ("highway", "residential"),
                    ("motor_vehicle", "no"),
                    ("bus", "yes")
                ]
            )
            .is_some()
        );
        assert!(rule(Mode::Bus, &[("highway", "footway"), ("psv", "designated")]).is_some());
        assert!(rule(Mode::Car, &[("highway", "service"), ("access", "private")]).is_none());
        assert!(rule(Mode::Walk, &[("highway", "service"), ("access", "private")]).is_some());
    }

    #[test]
    fn oneway_rules() {
        let d = |m, t: &[(&str, &str)]| rule(m, t).map(|r| (r.forward, r.backward));
        let oneway = [("highway", "residential"), ("oneway", "yes")];
        assert_eq!(d(Mode::Car, &oneway), Some((true, false)));
        assert_eq!(d(Mode::Walk, &oneway), Some((true, true)));
        assert_eq!(d(Mode::Bike, &oneway), Some((true, false)));
        assert_eq!(
            d(Mode::Car, &[("highway", "residential"), ("oneway", "-1")]),
            Some((false, true))
        );
        assert_eq!(
            d(
                Mode::Bike,
                &[
                    ("highway", "residential"),
                    ("oneway", "yes"),
                    ("oneway:bicycle", "no")
                ]
            ),
            Some((true, true))
        );
        assert_eq!(
            d(
                Mode::Bike,
                &[
                    ("highway", "residential"),
                    ("oneway", "yes"),
                    ("cycleway", "opposite_lane")
                ]
            ),
            Some((true, true))
        );
        assert_eq!(
            d(
                Mode::Car,
                &[("highway", "primary"), ("junction", "roundabout")]
            ),
            Some((true, false))
        );
        assert_eq!(
            d(
                Mode::Bus,
                &[
                    ("highway", "primary"),
                    ("oneway", "yes"),
                    ("oneway:bus", "no")
                ]
            ),
            Some((true, true))
        );
        assert_eq!(
            d(Mode::Car, &[("highway", "motorway")]),
            Some((true, false))
        );
    }

    #[test]
    fn maxspeed_parsing() {
        assert_eq!(parse_maxspeed("50"), Some(50.0));
        assert_eq!(parse_maxspeed("50 km/h"), Some(50.0));
        assert!((parse_maxspeed("30 mph").unwrap() - 48.28).abs() < 0.01);
        assert_eq!(parse_maxspeed("none"), None);
        assert_eq!(parse_maxspeed("DE:urban"), None);
        assert_eq!(parse_maxspeed("50;30"), None);
        let r = rule(Mode::Car, &[("highway", "primary"), ("maxspeed", "80")]).unwrap();
        assert!((r.speed_kmh - 64.0).abs() < 1e-9);
        let bus = rule(Mode::Bus, &[("highway", "primary"), ("maxspeed", "80")]).unwrap();
        assert!((bus.speed_kmh - 51.2).abs() < 1e-9);
    }

    #[test]
    fn mode_names_parse() {
        assert_eq!("Ebike".parse::<Mode>().unwrap(), Mode::Ebike);
        assert!("tram".parse::<Mode>().is_err());
    }
}
