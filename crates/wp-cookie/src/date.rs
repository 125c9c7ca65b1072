//! `gmdate('D, d M Y H:i:s')` for cookie expiry dates, without a calendar crate.

use core::fmt;

/// A Unix time printed as PHP's `setcookie()` prints `expires=`: `Thu, 29 Jul 2021 13:13:13`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HttpDate(pub(crate) u64);

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// (year, month 1-12, day 1-31) of a day count since 1970-01-01 (Howard Hinnant's
/// days-to-civil algorithm).
fn civil(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

impl fmt::Display for HttpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0 / 86_400;
        let secs = self.0 % 86_400;
        let (y, m, d) = civil(days);
        let weekday = DAYS.get((days % 7) as usize).copied().unwrap_or("Thu");
        let month = MONTHS
            .get((m as usize).saturating_sub(1))
            .copied()
            .unwrap_or("Jan");
        write!(
            f,
            "{weekday}, {d:02} {month} {y:04} {:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::HttpDate;
    use std::string::ToString;

    #[test]
    fn known_dates() {
        assert_eq!(HttpDate(0).to_string(), "Thu, 01 Jan 1970 00:00:00");
        assert_eq!(
            HttpDate(1_627_564_393).to_string(),
            "Thu, 29 Jul 2021 13:13:13"
        );
        assert_eq!(
            HttpDate(951_782_400).to_string(),
            "Tue, 29 Feb 2000 00:00:00"
        );
        assert_eq!(
            HttpDate(4_102_444_800).to_string(),
            "Fri, 01 Jan 2100 00:00:00"
        );
    }
}
