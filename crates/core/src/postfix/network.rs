//! Network lists such as `mynetworks`: CIDR blocks (`192.0.2.0/24`, `[2001:db8::]/32`), plain
//! addresses, host names, `type:table` look-ups and file names, each possibly negated with `!`.

use super::value::{table_ref, ListItem};
use crate::text::Span;
use std::net::{IpAddr, Ipv6Addr};

/// An address block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    /// Reads `a.b.c.d/n`, `[v6]/n`, `v6/n`, or a plain address (a /32 or /128 block).
    pub fn parse(s: &str) -> Option<Cidr> {
        let (a, p) = match s.rsplit_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let a = a
            .strip_prefix('[')
            .and_then(|x| x.strip_suffix(']'))
            .unwrap_or(a);
        let addr: IpAddr = a.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.parse::<u8>().ok().filter(|&n| n <= max)?,
            None => max,
        };
        Some(Cidr { addr, prefix })
    }

    /// Whether `ip` is in the block. An IPv4-mapped IPv6 client (`::ffff:192.0.2.1`) is matched
    /// as the IPv4 address it carries, as Postfix does.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => mask_eq(
                u32::from(net) as u128,
                u32::from(ip) as u128,
                self.prefix,
                32,
            ),
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                mask_eq(u128::from(net), u128::from(ip), self.prefix, 128)
            }
            (IpAddr::V6(net), IpAddr::V4(ip)) => {
                // `[::ffff:127.0.0.0]/104` style blocks cover mapped IPv4 clients.
                let mapped: Ipv6Addr = ip.to_ipv6_mapped();
                mask_eq(u128::from(net), u128::from(mapped), self.prefix, 128)
            }
            (IpAddr::V4(_), IpAddr::V6(_)) => false,
        }
    }

    /// Number of addresses the block holds, saturating (an IPv4 /0 is 2^32).
    pub fn size(&self) -> u128 {
        let bits = if self.addr.is_ipv4() { 32 } else { 128 };
        let host_bits = bits - u32::from(self.prefix.min(bits as u8));
        1u128.checked_shl(host_bits).unwrap_or(u128::MAX)
    }

    /// Whether the block is only loopback addresses.
    pub fn is_loopback(&self) -> bool {
        match self.addr {
            IpAddr::V4(a) => a.is_loopback() && self.prefix >= 8,
            IpAddr::V6(a) => {
                (a.is_loopback() && self.prefix == 128)
                    || a.to_ipv4_mapped()
                        .is_some_and(|v4| v4.is_loopback() && self.prefix >= 104)
            }
        }
    }
}

fn mask_eq(a: u128, b: u128, prefix: u8, bits: u32) -> bool {
    let p = u32::from(prefix).min(bits);
    if p == 0 {
        return true;
    }
    let shift = bits - p;
    (a >> shift) == (b >> shift)
}

/// What one `mynetworks` (or similar) entry is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetworkMatch {
    Cidr(Cidr),
    /// `type:table` (`hash:/etc/postfix/network_table`, `cidr:/etc/postfix/nets`).
    Table(String),
    /// `/file/name` whose lines are more entries (not visible in the paste).
    File(String),
    /// A host or domain name (`.example.com` covers subdomains when matched by name).
    Host(String),
    /// Anything else (kept so checks can point at it).
    Unknown(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkEntry {
    pub matches: NetworkMatch,
    /// Written with `!`: a match stops the search with "not in the list".
    pub negated: bool,
    pub text: String,
    pub span: Option<Span>,
}

impl NetworkEntry {
    pub fn from_item(item: &ListItem) -> NetworkEntry {
        let (negated, body) = match item.text.strip_prefix('!') {
            Some(b) => (true, b),
            None => (false, item.text.as_str()),
        };
        let matches = if let Some(c) = Cidr::parse(body) {
            NetworkMatch::Cidr(c)
        } else if body.starts_with('/') {
            NetworkMatch::File(body.to_owned())
        } else if table_ref(body).is_some() {
            NetworkMatch::Table(body.to_owned())
        } else if !body.is_empty()
            && body
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            NetworkMatch::Host(body.to_owned())
        } else {
            NetworkMatch::Unknown(body.to_owned())
        };
        NetworkEntry {
            matches,
            negated,
            text: item.text.clone(),
            span: item.span,
        }
    }

    pub fn cidr(&self) -> Option<Cidr> {
        match self.matches {
            NetworkMatch::Cidr(c) => Some(c),
            _ => None,
        }
    }
}

/// Whether `ip` is in the list, first match wins (`!entry` matching means "not in the list").
/// `None` when an entry that cannot be evaluated here (table, file, host name) comes before any
/// address match, since it might have matched.
pub fn list_contains(entries: &[NetworkEntry], ip: IpAddr) -> Option<bool> {
    for e in entries {
        match &e.matches {
            NetworkMatch::Cidr(c) if c.contains(ip) => return Some(!e.negated),
            NetworkMatch::Cidr(_) | NetworkMatch::Unknown(_) => {}
            NetworkMatch::Table(_) | NetworkMatch::File(_) | NetworkMatch::Host(_) => return None,
        }
    }
    Some(false)
}

/// An IPv4 address from text such as `192.0.2.1`, `[192.0.2.1]`, `::ffff:192.0.2.1`.
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    let s = s
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(s);
    let s = s.strip_prefix("IPv6:").unwrap_or(s);
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn cidrs_parse_in_every_written_form() {
        assert_eq!(Cidr::parse("127.0.0.0/8").unwrap().prefix, 8);
        assert_eq!(Cidr::parse("[::1]/128").unwrap().addr, ip("::1"));
        assert_eq!(Cidr::parse("[::ffff:127.0.0.0]/104").unwrap().prefix, 104);
        assert_eq!(Cidr::parse("2001:db8::/32").unwrap().prefix, 32);
        assert_eq!(Cidr::parse("192.0.2.7").unwrap().prefix, 32);
        assert!(Cidr::parse("192.0.2.0/33").is_none());
        assert!(Cidr::parse("mail.example.net").is_none());
    }

    #[test]
    fn containment() {
        let c = Cidr::parse("192.0.2.0/24").unwrap();
        assert!(c.contains(ip("192.0.2.200")));
        assert!(!c.contains(ip("198.51.100.1")));
        assert!(c.contains(ip("::ffff:192.0.2.9")));
        let v6 = Cidr::parse("[2001:db8::]/32").unwrap();
        assert!(v6.contains(ip("2001:db8:1::5")));
        assert!(!v6.contains(ip("192.0.2.1")));
        let mapped = Cidr::parse("[::ffff:127.0.0.0]/104").unwrap();
        assert!(mapped.contains(ip("127.0.0.1")));
        assert!(mapped.is_loopback());
        assert!(Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains(ip("203.0.113.5")));
        assert_eq!(Cidr::parse("0.0.0.0/0").unwrap().size(), 1 << 32);
    }

    #[test]
    fn lists_are_first_match() {
        let items =
            super::super::value::Value::single("!192.0.2.5 192.0.2.0/24 hash:/etc/postfix/nets", 0)
                .items();
        let e: Vec<NetworkEntry> = items.iter().map(NetworkEntry::from_item).collect();
        assert_eq!(list_contains(&e, ip("192.0.2.5")), Some(false));
        assert_eq!(list_contains(&e, ip("192.0.2.6")), Some(true));
        assert_eq!(list_contains(&e, ip("198.51.100.1")), None);
        assert!(matches!(e[2].matches, NetworkMatch::Table(_)));
    }
}
