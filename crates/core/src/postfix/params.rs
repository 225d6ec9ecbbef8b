//! Typed look-ups over the Postfix fact tables in [`crate::tables`]: what a parameter is, its
//! default for a given release and `compatibility_level`, what is deprecated, and the closest
//! known name to a misspelt one.

use crate::tables::{NameIndex, POSTFIX_COMPAT_DEFAULTS, POSTFIX_DEPRECATED, POSTFIX_PARAMS};
use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

/// A Postfix release or compatibility level: `3.7.4`, `2.10`, `3.12-20260821` (snapshot suffix
/// ignored), `2` (a level). Missing parts are 0, so `3.6` == `3.6.0` and `2` < `3.6`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub [u32; 3]);

impl Version {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Version {
        Version([major, minor, patch])
    }
    /// Reads the leading `digits(.digits){0,2}`; `None` when the text does not start with a digit.
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim();
        let mut parts = [0u32; 3];
        let mut n = 0;
        for piece in s.split('.') {
            if n == 3 {
                break;
            }
            let digits: &str = piece
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap_or("");
            if digits.is_empty() {
                break;
            }
            parts[n] = digits.parse().ok()?;
            n += 1;
            if digits.len() != piece.len() {
                break;
            }
        }
        (n > 0).then_some(Version(parts))
    }
    pub fn major(self) -> u32 {
        self.0[0]
    }
    pub fn minor(self) -> u32 {
        self.0[1]
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c] = self.0;
        if c == 0 {
            write!(f, "{a}.{b}")
        } else {
            write!(f, "{a}.{b}.{c}")
        }
    }
}

/// One row of `postfix-params.tsv`.
#[derive(Clone, Copy, Debug)]
pub struct ParamInfo {
    pub name: &'static str,
    /// First release documenting it (`2.1` means "2.1 or earlier").
    pub since: Version,
    /// Last release that still documents it, when it was removed.
    pub removed_after: Option<Version>,
    /// Latest documented default, as text (may read `see "postconf -d" output`).
    pub default_latest: &'static str,
    history: &'static str,
}

impl ParamInfo {
    /// `(release, documented default)` pairs, oldest first.
    pub fn default_history(&self) -> Vec<(Version, &'static str)> {
        split_history(self.history)
    }
    /// Whether the parameter exists in `version` (unknown version: assume it does).
    pub fn exists_in(&self, version: Option<Version>) -> bool {
        let Some(v) = version else { return true };
        // `since` 2.1 means "2.1 or earlier".
        let born = self.since <= Version::new(2, 1, 0) || v >= self.since;
        let alive = self
            .removed_after
            .is_none_or(|r| v <= r || same_series(v, r));
        born && alive
    }
}

fn same_series(a: Version, b: Version) -> bool {
    a.0[0] == b.0[0] && a.0[1] == b.0[1]
}

/// Splits `2.1:x;2.10:y;3.0:a;b` only on a `;` followed by `digits.digits:` (values may hold `;`).
fn split_history(h: &'static str) -> Vec<(Version, &'static str)> {
    let mut out = Vec::new();
    let mut rest = h;
    while !rest.is_empty() {
        let Some((ver, after)) = rest.split_once(':') else {
            break;
        };
        let Some(v) = Version::parse(ver) else { break };
        // Find the next `;` that starts another `digits.digits:` entry.
        let mut end = after.len();
        for (i, _) in after.match_indices(';') {
            let tail = &after[i + 1..];
            let head: &str = tail.split(':').next().unwrap_or("");
            let looks_like_version = !head.is_empty()
                && head.contains('.')
                && head.chars().all(|c| c.is_ascii_digit() || c == '.')
                && tail.len() > head.len();
            if looks_like_version {
                end = i;
                break;
            }
        }
        out.push((v, &after[..end]));
        rest = after.get(end + 1..).unwrap_or("");
    }
    out
}

/// A row of the parameter table read once: versions parsed and the default history split, so
/// the thousands of default look-ups of one paste (every list, every trace) only search.
struct Row {
    info: ParamInfo,
    /// `default_latest` when it is a literal value.
    latest: Option<&'static str>,
    /// `(release, literal default)` pairs, oldest first (`None`: prose, no usable value).
    history: Vec<(Version, Option<&'static str>)>,
}

static ROWS: LazyLock<Vec<Row>> = LazyLock::new(|| {
    POSTFIX_PARAMS
        .iter()
        .map(|r| Row {
            info: ParamInfo {
                name: r[0],
                since: Version::parse(r[1]).unwrap_or(Version::new(2, 1, 0)),
                removed_after: Version::parse(r[2]),
                default_latest: r[3],
                history: r[4],
            },
            latest: literal_default(r[3]),
            history: split_history(r[4])
                .into_iter()
                .map(|(v, d)| (v, literal_default(d)))
                .collect(),
        })
        .collect()
});

fn row(name: &str) -> Option<&'static Row> {
    static BY_NAME: LazyLock<NameIndex> = LazyLock::new(|| NameIndex::new(&POSTFIX_PARAMS));
    ROWS.get(BY_NAME.get(name)?)
}

/// The table row of a parameter name.
pub fn info(name: &str) -> Option<ParamInfo> {
    row(name).map(|r| r.info)
}

/// Whether `name` is a parameter Postfix documents (in any release) or a deprecated one.
pub fn is_known(name: &str) -> bool {
    info(name).is_some() || deprecated(name).is_some()
}

/// Per-transport parameters such as `dovecot_destination_recipient_limit`: `<transport>_<x>`
/// where `default_<x>` is a documented parameter.
pub fn is_transport_specific(name: &str) -> bool {
    // Asked of every setting-like line when segmenting: the `<x>` of every `default_<x>`, found
    // by name.
    static SUFFIXES: LazyLock<NameIndex> = LazyLock::new(|| {
        let rows: Vec<[&'static str; 1]> = POSTFIX_PARAMS
            .iter()
            .filter_map(|r| Some([r[0].strip_prefix("default_")?]))
            .filter(|[x]| !x.is_empty())
            .collect();
        NameIndex::new(&rows)
    });
    name.match_indices('_').any(|(i, _)| {
        let suffix = &name[i + 1..];
        !suffix.is_empty() && i > 0 && SUFFIXES.get(suffix).is_some()
    })
}

/// The parameter's default as Postfix would use it. `version` is the release (`None`: the latest
/// known); `level` the effective `compatibility_level` (0 when unset). Returns `None` when the
/// documentation gives no literal value (`see "postconf -d" output`: host-dependent values such as
/// `myhostname`, `mynetworks`) or the parameter does not exist in that release.
pub fn default_value(name: &str, version: Option<Version>, level: Version) -> Option<String> {
    default_text(name, version, level).map(Cow::into_owned)
}

/// [`default_value`] without copying the table's text.
pub(crate) fn default_text(
    name: &str,
    version: Option<Version>,
    level: Version,
) -> Option<Cow<'static, str>> {
    // Special cases the documentation only describes in words.
    match name {
        "smtpd_recipient_restrictions" => {
            return Some(Cow::Borrowed(
                if version.is_some_and(|v| v < Version::new(2, 10, 0)) {
                    "permit_mynetworks, reject_unauth_destination"
                } else {
                    ""
                },
            ));
        }
        "mail_name" => return Some(Cow::Borrowed("Postfix")),
        "compatibility_level" => return Some(Cow::Borrowed("0")),
        "mail_version" => return version.map(|v| Cow::Owned(v.to_string())),
        _ => {}
    }
    let row = row(name)?;
    if !row.info.exists_in(version) {
        return None;
    }
    let has_levels = version.is_none_or(|v| v >= Version::new(3, 0, 0));
    if has_levels {
        if let Some(r) = POSTFIX_COMPAT_DEFAULTS.iter().find(|r| r[0] == name) {
            let row_level = Version::parse(r[1]).unwrap_or_default();
            // A level that names a release (3.6, 3.11) did not exist before that release: older
            // releases had the old default whatever the level says.
            let release_older = row_level >= Version::new(3, 0, 0)
                && version.is_some_and(|v| v < row_level && !same_series(v, row_level));
            let below = level < row_level || release_older;
            return Some(Cow::Borrowed(if below { r[2] } else { r[3] }));
        }
    }
    let text = match version {
        None => row.latest,
        Some(v) => row
            .history
            .iter()
            .rev()
            .find(|(since, _)| *since <= v || same_series(*since, v))
            .or(row.history.first())
            .map_or(row.latest, |(_, d)| *d),
    };
    text.map(Cow::Borrowed)
}

/// Documented default text that is a usable value (not prose such as `see "postconf -d" output`).
fn literal_default(text: &'static str) -> Option<&'static str> {
    let t = text.trim();
    if t.starts_with("see ") || t.contains("Postfix ≥") || t.contains("Postfix <") {
        return None;
    }
    Some(t)
}

/// What a deprecated parameter or restriction is, from `postfix-deprecated.tsv`.
#[derive(Clone, Copy, Debug)]
pub struct Deprecation {
    pub name: &'static str,
    pub kind: DeprecatedKind,
    /// What to use instead (`(none)` / `(do not specify…)` are kept as written).
    pub replacement: &'static str,
    pub warned_since: Option<Version>,
    /// The release where it stopped working.
    pub removed_in: Option<Version>,
    pub note: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeprecatedKind {
    Parameter,
    Restriction,
}

impl Deprecation {
    /// Whether it no longer works in `version` (unknown version: `false`).
    pub fn removed_by(&self, version: Option<Version>) -> bool {
        matches!((self.removed_in, version), (Some(r), Some(v)) if v >= r)
    }
}

/// The deprecation row of a parameter or restriction name.
pub fn deprecated(name: &str) -> Option<Deprecation> {
    // Asked of every parameter of every pasted config: found by name (names are unique).
    static BY_NAME: LazyLock<NameIndex> = LazyLock::new(|| NameIndex::new(&POSTFIX_DEPRECATED));
    let r = POSTFIX_DEPRECATED.get(BY_NAME.get(name)?)?;
    Some(Deprecation {
        name: r[0],
        kind: if r[1] == "restriction" {
            DeprecatedKind::Restriction
        } else {
            DeprecatedKind::Parameter
        },
        replacement: r[2],
        warned_since: Version::parse(r[3]),
        removed_in: Version::parse(r[4]),
        note: r[5],
    })
}

/// The known parameter closest to a misspelt `name` (edit distance with transpositions, at most
/// 1 for short names and 2 otherwise), e.g. `smptd_recipient_restrictions` →
/// `smtpd_recipient_restrictions`.
pub fn did_you_mean(name: &str) -> Option<&'static str> {
    crate::text::closest_name(name, POSTFIX_PARAMS.iter().map(|r| r[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deprecated_names_are_unique() {
        let mut names: Vec<&str> = POSTFIX_DEPRECATED.iter().map(|r| r[0]).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
        assert!(deprecated("check_relay_domains").is_some());
        assert!(deprecated("mynetworks").is_none());
    }

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(POSTFIX_PARAMS.windows(2).all(|w| w[0][0] < w[1][0]));
    }

    #[test]
    fn versions_parse_and_compare() {
        assert_eq!(Version::parse("3.7.4"), Some(Version::new(3, 7, 4)));
        assert_eq!(
            Version::parse("3.12-20260821"),
            Some(Version::new(3, 12, 0))
        );
        assert_eq!(Version::parse("2"), Some(Version::new(2, 0, 0)));
        assert_eq!(Version::parse("x"), None);
        assert!(Version::parse("3.10").unwrap() > Version::parse("3.9").unwrap());
        assert!(Version::parse("2").unwrap() < Version::parse("3.6").unwrap());
        assert_eq!(Version::new(3, 6, 0).to_string(), "3.6");
    }

    #[test]
    fn history_splits_only_before_versions() {
        let h = split_history("2.1:a;b;2.10:c;3.0:d");
        assert_eq!(
            h,
            [
                (Version::new(2, 1, 0), "a;b"),
                (Version::new(2, 10, 0), "c"),
                (Version::new(3, 0, 0), "d")
            ]
        );
    }

    #[test]
    fn defaults_follow_version_and_level() {
        let l0 = Version::default();
        let l2 = Version::new(2, 0, 0);
        let v = |s| Version::parse(s);
        assert_eq!(
            default_value("smtpd_relay_restrictions", v("2.10"), l0).as_deref(),
            Some("permit_mynetworks, reject_unauth_destination")
        );
        assert_eq!(
            default_value("smtpd_relay_restrictions", v("2.11"), l0).as_deref(),
            Some("permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination")
        );
        assert_eq!(
            default_value("smtpd_relay_restrictions", v("3.7"), l0).as_deref(),
            Some("")
        );
        assert_eq!(
            default_value("smtpd_relay_restrictions", v("3.7"), l2).as_deref(),
            Some("permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination")
        );
        assert_eq!(
            default_value("smtpd_relay_restrictions", v("2.9"), l0),
            None
        );
        assert_eq!(
            default_value("smtpd_recipient_restrictions", v("2.9"), l0).as_deref(),
            Some("permit_mynetworks, reject_unauth_destination")
        );
        assert_eq!(
            default_value("relay_domains", v("2.11"), l0).as_deref(),
            Some("$mydestination")
        );
        assert_eq!(
            default_value("relay_domains", None, l2).as_deref(),
            Some("")
        );
        assert_eq!(
            default_value("smtpd_tls_fingerprint_digest", v("3.5"), l2).as_deref(),
            Some("md5")
        );
        assert_eq!(default_value("myhostname", None, l2), None);
        assert_eq!(
            default_value("mydestination", None, l2).as_deref(),
            Some("$myhostname, localhost.$mydomain, localhost")
        );
    }

    #[test]
    fn misspellings_get_a_suggestion() {
        assert_eq!(
            did_you_mean("smptd_recipient_restrictions"),
            Some("smtpd_recipient_restrictions")
        );
        assert_eq!(did_you_mean("mynetwork"), Some("mynetworks"));
        assert_eq!(did_you_mean("completely_unrelated_words"), None);
        assert!(is_known("virtual_maps"));
        assert!(is_known("smtpd_use_tls"));
        assert!(!is_known("smptd_use_tls"));
        assert!(is_transport_specific("dovecot_destination_recipient_limit"));
        assert!(!is_transport_specific("smptd_recipient_restrictions"));
    }

    #[test]
    fn deprecations_know_their_removal() {
        let d = deprecated("check_relay_domains").unwrap();
        assert_eq!(d.kind, DeprecatedKind::Restriction);
        assert!(d.removed_by(Version::parse("3.9")));
        assert!(!d.removed_by(Version::parse("3.8")));
        assert!(!d.removed_by(None));
        assert_eq!(
            deprecated("smtpd_use_tls").unwrap().kind,
            DeprecatedKind::Parameter
        );
    }
}
