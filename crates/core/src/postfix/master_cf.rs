//! `master.cf`: services with their 8 fields, `-o` overrides and arguments; commented-out services
//! are kept (that `submission` is commented out is what several diagnoses hinge on).

use super::value::Value;
use super::PostfixConfig;
use crate::report::Note;
use crate::segment::unquote;
use crate::text::{lines_at, Span};

const SOURCE: &str = "master.cf";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceType {
    Inet,
    Unix,
    UnixDgram,
    Fifo,
    Pass,
}

impl ServiceType {
    pub fn parse(s: &str) -> Option<ServiceType> {
        Some(match s {
            "inet" => ServiceType::Inet,
            "unix" => ServiceType::Unix,
            "unix-dgram" => ServiceType::UnixDgram,
            "fifo" => ServiceType::Fifo,
            "pass" => ServiceType::Pass,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::Inet => "inet",
            ServiceType::Unix => "unix",
            ServiceType::UnixDgram => "unix-dgram",
            ServiceType::Fifo => "fifo",
            ServiceType::Pass => "pass",
        }
    }
}

/// One `-o name=value` (or `-o { name = value }`).
#[derive(Clone, Debug)]
pub struct Override {
    pub name: String,
    pub value: Value,
    /// From `-o` to the end of the value.
    pub span: Span,
    pub name_span: Span,
}

/// One `master.cf` service entry.
#[derive(Clone, Debug)]
pub struct Service {
    /// `smtp`, `submission`, `127.0.0.1:10025`, …
    pub name: String,
    pub kind: ServiceType,
    /// `y`/`n`; `None` for `-` (the default).
    pub private: Option<bool>,
    pub unpriv: Option<bool>,
    pub chroot: Option<bool>,
    pub wakeup: String,
    pub maxproc: String,
    /// The daemon (`smtpd`, `pipe`, `lmtp`, …).
    pub command: String,
    /// Command arguments other than `-o` (e.g. `flags=DRhu user=vmail argv=…`).
    pub args: Vec<String>,
    pub overrides: Vec<Override>,
    /// The whole entry, continuation lines included.
    pub span: Span,
    pub name_span: Span,
    /// Written behind `#` (an entry the admin has not enabled, such as the stock `submission`).
    pub commented_out: bool,
}

impl Service {
    /// The override in effect for `param` (the last `-o` of that name).
    pub fn override_of(&self, param: &str) -> Option<&Override> {
        self.overrides.iter().rev().find(|o| o.name == param)
    }

    /// TCP port an `inet` service listens on, when its name says it (`submission` → 587,
    /// `0.0.0.0:2525` → 2525).
    pub fn port(&self) -> Option<u16> {
        if self.kind != ServiceType::Inet {
            return None;
        }
        let tail = self
            .name
            .rsplit_once(':')
            .map_or(self.name.as_str(), |(_, p)| p);
        match tail {
            "smtp" => Some(25),
            "submission" => Some(587),
            "smtps" | "submissions" => Some(465),
            p => p.parse().ok(),
        }
    }
}

/// A parsed `master.cf`.
#[derive(Clone, Debug, Default)]
pub struct MasterCf {
    pub span: Span,
    /// Every entry in paste order, commented-out ones included.
    pub services: Vec<Service>,
}

impl MasterCf {
    /// The active entry named `name` (an `inet` one first: `smtp` is both `inet` and `unix`).
    pub fn service(&self, name: &str) -> Option<&Service> {
        let active = || {
            self.services
                .iter()
                .filter(|s| !s.commented_out && s.name == name)
        };
        active()
            .find(|s| s.kind == ServiceType::Inet)
            .or_else(|| active().next())
    }

    /// The active entry of that name and type.
    pub fn service_of(&self, name: &str, kind: ServiceType) -> Option<&Service> {
        self.services
            .iter()
            .find(|s| !s.commented_out && s.name == name && s.kind == kind)
    }

    /// A commented-out entry of that name, when there is no active one.
    pub fn commented(&self, name: &str) -> Option<&Service> {
        if self.service(name).is_some() {
            return None;
        }
        self.services
            .iter()
            .find(|s| s.commented_out && s.name == name)
    }

    /// The active `inet` service listening on `port`.
    pub fn listening_on(&self, port: u16) -> Option<&Service> {
        self.services
            .iter()
            .find(|s| !s.commented_out && s.port() == Some(port))
    }

    /// `param` as the named service sees it: its `-o` override, else the `main.cf` value (explicit
    /// or default), expanded with the service's overrides in force. When there is no such
    /// service, the `main.cf` value.
    pub fn effective(&self, service: &str, param: &str, cfg: &PostfixConfig) -> Option<String> {
        let ov = self.service(service).map_or(&[][..], |s| &s.overrides[..]);
        cfg.effective_in(param, ov)
    }
}

/// Splits a logical line into fields: whitespace separated, `{ … }` kept whole.
fn fields(text: &str) -> Vec<(usize, usize, &str)> {
    split_list_ws(text)
        .into_iter()
        .filter_map(|(s, e)| Some((s, e, text.get(s..e)?)))
        .collect()
}

/// Whitespace-only field splitting (commas belong to values in `master.cf`).
fn split_list_ws(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut depth = 0usize;
        while i < b.len() {
            match b[i] {
                b'{' => depth += 1,
                b'}' => depth = depth.saturating_sub(1),
                c if c.is_ascii_whitespace() && depth == 0 => break,
                _ => {}
            }
            i += 1;
        }
        out.push((start, i));
    }
    out
}

fn flag(s: &str) -> Option<bool> {
    match s {
        "y" | "yes" => Some(true),
        "n" | "no" => Some(false),
        _ => None,
    }
}

/// A logical entry being collected: its joined text and whether it is commented out.
struct Entry {
    value: Value,
    span: Span,
    commented: bool,
}

pub fn parse(text: &str, base: usize) -> (MasterCf, Vec<Note>) {
    let mut m = MasterCf {
        span: Span::new(base, base + text.len()),
        services: Vec::new(),
    };
    let mut notes = Vec::new();
    // Forum pastes indent every line: entries start at the least indentation seen on a line
    // whose second field is a service type.
    let base_indent = lines_at(text, base)
        .filter_map(|l| {
            let body = unquote(l.text);
            let t = body.trim_start();
            let mut f = t.split_whitespace();
            let _ = f.next()?;
            ServiceType::parse(f.next()?)?;
            Some(body.len() - t.len())
        })
        .min()
        .unwrap_or(0);

    let mut cur: Option<Entry> = None;
    for line in lines_at(text, base) {
        let body = unquote(line.text);
        let body_at = line.sub_span(body).start;
        let t = body.trim_start();
        if t.is_empty() {
            continue;
        }
        let ind = body.len() - t.len();
        let (commented, content, content_at) = match t.strip_prefix('#') {
            Some(rest) => {
                let c = rest.trim_start();
                (true, c, body_at + ind + (t.len() - c.len()))
            }
            None => (false, t, body_at + ind),
        };
        let is_entry_start = {
            let mut f = content.split_whitespace();
            f.next().is_some() && f.next().and_then(ServiceType::parse).is_some()
        };
        // A continuation: indented (or, commented, starting with `-o`/argument-looking text) and
        // following an entry of the same commented state.
        let continues = match &cur {
            Some(e) if !is_entry_start => {
                let indented = ind > base_indent
                    || (commented && rest_is_indented(t))
                    || content.starts_with("-o");
                indented && e.commented == commented
            }
            _ => false,
        };
        if continues {
            if let Some(e) = cur.as_mut() {
                e.value.push(content, content_at);
                e.span = e.span.cover(line.span());
            }
            continue;
        }
        if let Some(e) = cur.take() {
            finish(e, &mut m, &mut notes);
        }
        if is_entry_start {
            cur = Some(Entry {
                value: Value::single(content, content_at),
                span: line.span(),
                commented,
            });
        } else if !commented {
            notes.push(Note::new(
                line.span(),
                SOURCE,
                format!(
                    "not a master.cf service line: {:?}",
                    crate::text::clip(t, 60)
                ),
            ));
        }
    }
    if let Some(e) = cur.take() {
        finish(e, &mut m, &mut notes);
    }
    (m, notes)
}

/// `#  -o x=y`: text after `#` starts with whitespace (a commented continuation line).
fn rest_is_indented(t: &str) -> bool {
    t.strip_prefix('#')
        .is_some_and(|r| r.starts_with(char::is_whitespace))
}

fn finish(e: Entry, m: &mut MasterCf, notes: &mut Vec<Note>) {
    let v = &e.value;
    let f = fields(&v.text);
    let span_of = |s: usize, en: usize| v.span_of(s, en).unwrap_or(e.span);
    if f.len() < 8 {
        if !e.commented {
            notes.push(Note::new(
                e.span,
                SOURCE,
                format!(
                    "service line has {} of the 8 fields (service type private unpriv chroot \
                     wakeup maxproc command)",
                    f.len()
                ),
            ));
        }
        if f.len() < 3 {
            return;
        }
    }
    let get = |i: usize| f.get(i).map_or("", |x| x.2);
    let Some(kind) = ServiceType::parse(get(1)) else {
        return;
    };
    let mut svc = Service {
        name: get(0).to_owned(),
        kind,
        private: flag(get(2)),
        unpriv: flag(get(3)),
        chroot: flag(get(4)),
        wakeup: get(5).to_owned(),
        maxproc: get(6).to_owned(),
        command: get(7).to_owned(),
        args: Vec::new(),
        overrides: Vec::new(),
        span: e.span,
        name_span: f.first().map_or(e.span, |x| span_of(x.0, x.1)),
        commented_out: e.commented,
    };
    let mut rest = f.iter().skip(8);
    while let Some(&(s, en, tok)) = rest.next() {
        let (o_start, body) = if tok == "-o" {
            match rest.next() {
                Some(&(bs, be, _)) => (s, (bs, be)),
                None => {
                    notes.push(Note::new(span_of(s, en), SOURCE, "`-o` without a setting"));
                    break;
                }
            }
        } else if tok.starts_with("-o") && tok.len() > 2 {
            (s, (s + 2, en))
        } else {
            svc.args.push(tok.to_owned());
            continue;
        };
        match read_override(v, body.0, body.1) {
            Some(mut o) => {
                o.span = span_of(o_start, body.1);
                svc.overrides.push(o);
            }
            None => notes.push(Note::new(
                span_of(o_start, body.1),
                SOURCE,
                "`-o` setting is not `name=value`",
            )),
        }
    }
    m.services.push(svc);
}

/// `name=value` or `{ name = value }` at `v.text[s..e]`.
fn read_override(v: &Value, s: usize, e: usize) -> Option<Override> {
    let tok = v.text.get(s..e)?;
    let (inner_s, inner_e) = if tok.starts_with('{') && tok.ends_with('}') && tok.len() >= 2 {
        (s + 1, e - 1)
    } else {
        (s, e)
    };
    let inner = v.text.get(inner_s..inner_e)?;
    let eq = inner.find('=')?;
    let name_raw = &inner[..eq];
    let name = name_raw.trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let name_off = inner_s + (name_raw.len() - name_raw.trim_start().len());
    let val_s = inner_s + eq + 1;
    Some(Override {
        name: name.to_owned(),
        value: v.slice(val_s, inner_e),
        span: Span::default(),
        name_span: v
            .span_of(name_off, name_off + name.len())
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::SegmentKind;

    const STOCK: &str = "\
# ==========================================================================
# service type  private unpriv  chroot  wakeup  maxproc command + args
# ==========================================================================
smtp      inet  n       -       y       -       -       smtpd
#submission inet n       -       y       -       -       smtpd
#  -o syslog_name=postfix/submission
#  -o smtpd_tls_security_level=encrypt
smtps     inet  n       -       y       -       -       smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
  -o { smtpd_client_restrictions = permit_sasl_authenticated, reject }
  -o smtpd_recipient_restrictions=$mua_recipient_restrictions
pickup    unix  n       -       y       60      1       pickup
smtp      unix  -       -       y       -       -       smtp
dovecot   unix  -       n       n       -       -       pipe
  flags=DRhu user=vmail:vmail argv=/usr/lib/dovecot/deliver -f ${sender} -d ${recipient}
";

    #[test]
    fn stock_file_services() {
        let (m, notes) = parse(STOCK, 0);
        assert!(notes.is_empty(), "{notes:?}");
        let names: Vec<(&str, bool)> = m
            .services
            .iter()
            .map(|s| (s.name.as_str(), s.commented_out))
            .collect();
        assert_eq!(
            names,
            [
                ("smtp", false),
                ("submission", true),
                ("smtps", false),
                ("pickup", false),
                ("smtp", false),
                ("dovecot", false)
            ]
        );
        assert!(m.service("submission").is_none());
        let sub = m.commented("submission").unwrap();
        assert_eq!(sub.overrides.len(), 2);
        let smtps = m.service("smtps").unwrap();
        assert_eq!(smtps.port(), Some(465));
        assert_eq!(smtps.chroot, Some(true));
        assert_eq!(smtps.private, Some(false));
        assert_eq!(smtps.unpriv, None);
        let o = smtps.override_of("smtpd_client_restrictions").unwrap();
        assert_eq!(o.value.text, "permit_sasl_authenticated, reject");
        assert_eq!(
            crate::text::slice(STOCK, o.value.span().unwrap()),
            "permit_sasl_authenticated, reject"
        );
        assert_eq!(
            crate::text::slice(STOCK, o.name_span),
            "smtpd_client_restrictions"
        );
        assert!(crate::text::slice(STOCK, o.span).starts_with("-o {"));
        assert_eq!(m.service("smtp").unwrap().kind, ServiceType::Inet);
        assert_eq!(
            m.service_of("smtp", ServiceType::Unix).unwrap().command,
            "smtp"
        );
        assert_eq!(m.service("pickup").unwrap().wakeup, "60");
        assert_eq!(m.service("dovecot").unwrap().args.len(), 7);
        assert_eq!(m.listening_on(25).unwrap().name, "smtp");
    }

    #[test]
    fn effective_per_service() {
        let (m, _) = parse(STOCK, 0);
        let (cfg, _) = crate::postfix::parse_main_cf(
            "mua_recipient_restrictions = permit_sasl_authenticated, reject\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination\n",
            0,
            SegmentKind::MainCf,
            &Default::default(),
        );
        let smtps = m.service("smtps").unwrap();
        let r = cfg.restrictions_in("smtpd_recipient_restrictions", &smtps.overrides);
        assert_eq!(r[0].name, "permit_sasl_authenticated");
        assert!(r[0].span.is_some());
        assert_eq!(
            m.effective("smtp", "smtpd_recipient_restrictions", &cfg)
                .as_deref(),
            Some("permit_mynetworks, reject_unauth_destination")
        );
        assert_eq!(
            m.effective("smtps", "smtpd_tls_wrappermode", &cfg)
                .as_deref(),
            Some("yes")
        );
    }

    #[test]
    fn postconf_m_one_line_form_and_junk() {
        let (m, notes) = parse(
            "submission inet n - y - - smtpd -o syslog_name=postfix/submission -o smtpd_sasl_auth_enable=yes\nthis is not a service\n",
            0,
        );
        assert_eq!(m.services[0].overrides.len(), 2);
        assert_eq!(notes.len(), 1);
        let (m, notes) = parse("smtp inet n - y\n", 0);
        assert_eq!(m.services.len(), 1);
        assert_eq!(notes.len(), 1);
    }
}
