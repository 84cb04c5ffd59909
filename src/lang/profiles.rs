//! The built-in amenity profiles' names as people read them, one table (a key not in it is a
//! planner's own profile, shown as given): the report's titles, the terminal's life-circle line
//! and the row problems that name a profile all say "产业园区", never the key `park`.

use super::Lang;

/// The built-in profiles (`--profile` keys): (key, English, Chinese).
const PROFILE_NAMES: &[(&str, &str, &str)] = &[
    ("park", "industrial parks", "产业园区"),
    (
        "gb50180",
        "residential areas (GB 50180-2018)",
        "居住区（GB 50180—2018）",
    ),
];

/// A profile's name in `lang`: a built-in one from `PROFILE_NAMES`, a planner's own as given.
pub fn profile_name(key: &str, lang: Lang) -> &str {
    match PROFILE_NAMES.iter().find(|(k, _, _)| *k == key) {
        Some((_, en, zh)) => lang.t(en, zh),
        None => key,
    }
}

/// "profile: industrial parks" / "设施配置：产业园区".
pub fn profile_title(key: &str, lang: Lang) -> String {
    format!(
        "{}{}",
        lang.t("profile: ", "设施配置："),
        profile_name(key, lang)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_profiles_have_names_and_own_ones_keep_theirs() {
        assert_eq!(profile_name("park", Lang::Zh), "产业园区");
        assert_eq!(profile_title("park", Lang::Zh), "设施配置：产业园区");
        assert_eq!(
            profile_title("gb50180", Lang::En),
            "profile: residential areas (GB 50180-2018)"
        );
        assert_eq!(profile_name("my.toml", Lang::Zh), "my.toml");
    }
}
