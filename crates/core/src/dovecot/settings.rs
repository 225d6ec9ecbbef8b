//! Typed look-ups over `tables::DOVECOT_SETTINGS`: which setting names exist in Dovecot 2.3 and
//! 2.4, what a 2.3 name became in 2.4, and the closest known name to a misspelt one.

use crate::tables::{NameIndex, DOVECOT_SETTINGS};
use std::sync::LazyLock;

/// One row of the Dovecot settings table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingInfo {
    /// The name, possibly scoped to a 2.3 section (`service/idle_kill`, `passdb/default_fields`).
    pub name: &'static str,
    pub in_2_3: bool,
    pub in_2_4: bool,
    /// What a 2.3 setting is called in 2.4 (`ssl_cert` → `ssl_server_cert_file`); several names
    /// separated by `, ` when it was split (`mail_location` → `mail_driver, mail_path`).
    pub renamed_to_2_4: Option<&'static str>,
    /// Free-text remark from the table (how the meaning or value form changed).
    pub note: Option<&'static str>,
    /// The plugin that defines it (`quota`, `sieve`, …), if any.
    pub plugin: Option<&'static str>,
}

impl SettingInfo {
    /// Whether the name exists in the configuration syntax of `syntax`.
    pub fn exists_in(&self, syntax: super::Syntax) -> bool {
        match syntax {
            super::Syntax::V2_3 => self.in_2_3,
            super::Syntax::V2_4 => self.in_2_4,
        }
    }
}

fn row(r: &'static [&'static str; 6]) -> SettingInfo {
    let opt = |s: &'static str| (!s.is_empty()).then_some(s);
    SettingInfo {
        name: r[0],
        in_2_3: r[1] == "yes",
        in_2_4: r[2] == "yes",
        renamed_to_2_4: opt(r[3]),
        note: opt(r[4]),
        plugin: opt(r[5]),
    }
}

/// The table row for `name` (exact, case-sensitive like Dovecot). Section-scoped 2.3 names are
/// looked up as `section/name` (`setting_info("service/idle_kill")`).
pub fn setting_info(name: &str) -> Option<SettingInfo> {
    DOVECOT_SETTINGS.get(setting_row(name)?).map(row)
}

/// The table position of `name`: asked of every `name = value` line while segmenting.
pub(crate) fn setting_row(name: &str) -> Option<usize> {
    static BY_NAME: LazyLock<NameIndex> = LazyLock::new(|| NameIndex::new(&DOVECOT_SETTINGS));
    BY_NAME.get(name)
}

/// Every row of the table.
pub fn all_settings() -> impl Iterator<Item = SettingInfo> {
    DOVECOT_SETTINGS.iter().map(row)
}

/// The 2.3 name of a setting 2.4 renamed (`ssl_server_cert_file` → `ssl_cert`), from the
/// table's `renamed_to_2_4` column; top-level names only (scoped `a/b` rows are skipped).
pub fn name_in_2_3(name_2_4: &str) -> Option<&'static str> {
    all_settings()
        .filter(|i| i.in_2_3 && !i.name.contains('/'))
        .find(|i| {
            i.renamed_to_2_4
                .is_some_and(|r| r.split(", ").any(|n| n == name_2_4))
        })
        .map(|i| i.name)
}

/// The known top-level name of `syntax` closest to a misspelt `name`: edit distance (with
/// transpositions) at most 1 for short names, 2 otherwise. Scoped (`a/b`) and wildcard rows are
/// not candidates.
pub fn did_you_mean(name: &str, syntax: super::Syntax) -> Option<&'static str> {
    crate::text::closest_name(
        name,
        DOVECOT_SETTINGS
            .iter()
            // Cheap length test first: `closest_name` never accepts more than two edits.
            .filter(|r| r[0].len().abs_diff(name.len()) <= 2)
            .map(row)
            .filter(|info| info.exists_in(syntax) && !info.name.contains(['/', '*', '<', '@']))
            .map(|info| info.name),
    )
}

#[cfg(test)]
mod tests {
    use super::super::Syntax;
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(DOVECOT_SETTINGS.windows(2).all(|w| w[0][0] < w[1][0]));
    }

    #[test]
    fn renames_and_presence_come_from_the_table() {
        let cert = setting_info("ssl_cert").unwrap();
        assert!(cert.in_2_3 && !cert.in_2_4);
        assert_eq!(cert.renamed_to_2_4, Some("ssl_server_cert_file"));
        assert!(setting_info("ssl").unwrap().exists_in(Syntax::V2_4));
        assert!(setting_info("service/idle_kill").is_some());
        assert!(setting_info("no_such_thing").is_none());
    }

    #[test]
    fn misspellings_find_their_setting() {
        assert_eq!(
            did_you_mean("auth_mechanism", Syntax::V2_3),
            Some("auth_mechanisms")
        );
        assert_eq!(
            did_you_mean("dissable_plaintext_auth", Syntax::V2_3),
            Some("disable_plaintext_auth")
        );
        assert_eq!(did_you_mean("zzzzzzzzzzzz", Syntax::V2_3), None);
    }

    #[test]
    fn renamed_settings_are_found_by_their_2_4_name() {
        assert_eq!(name_in_2_3("ssl_server_cert_file"), Some("ssl_cert"));
        assert_eq!(name_in_2_3("mail_path"), Some("mail_location"));
        assert_eq!(name_in_2_3("ssl"), None);
    }
}
