//! Severity: fixed by a rule, or impact × likelihood, where impact may come from the highest
//! classification of the data involved and likelihood from the element's exposure.

use serde::Serialize;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// Its place in [`Severity::ALL`]: 0 for critical, 4 for info.
    pub fn position(self) -> usize {
        Severity::Critical as usize - self as usize
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Some(match text {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// A level of impact or likelihood.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        Some(match text {
            "low" => Level::Low,
            "medium" => Level::Medium,
            "high" => Level::High,
            "critical" => Level::Critical,
            _ => return None,
        })
    }

    /// The impact of disclosing or corrupting data of a classification level: public (0) low,
    /// internal (1) medium, confidential (2) high, restricted (3 and above) critical. No data: low.
    pub fn of_classification(level: Option<i64>) -> Level {
        match level {
            Some(l) if l >= 3 => Level::Critical,
            Some(2) => Level::High,
            Some(1) => Level::Medium,
            _ => Level::Low,
        }
    }
}

/// How a rule's severity is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeverityRule {
    Fixed(Severity),
    /// `None`: from the data (impact) or the exposure (likelihood).
    Matrix {
        impact: Option<Level>,
        likelihood: Option<Level>,
    },
}

/// The risk matrix. Rows: impact; columns: likelihood (low, medium, high).
pub fn matrix(impact: Level, likelihood: Level) -> Severity {
    use Severity::*;
    let row = match impact {
        Level::Low => [Info, Low, Medium],
        Level::Medium => [Low, Medium, High],
        Level::High => [Medium, High, High],
        Level::Critical => [High, High, Critical],
    };
    row[match likelihood {
        Level::Low => 0,
        Level::Medium => 1,
        Level::High | Level::Critical => 2,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_severity_knows_its_place_in_the_list_of_all() {
        for (place, severity) in Severity::ALL.into_iter().enumerate() {
            assert_eq!(severity.position(), place);
        }
    }

    #[test]
    fn the_matrix_grows_with_impact_and_likelihood() {
        assert_eq!(matrix(Level::Low, Level::Low), Severity::Info);
        assert_eq!(matrix(Level::Medium, Level::Medium), Severity::Medium);
        assert_eq!(matrix(Level::Critical, Level::High), Severity::Critical);
        let levels = [Level::Low, Level::Medium, Level::High, Level::Critical];
        for pair in levels.windows(2) {
            for l in levels {
                assert!(matrix(pair[0], l) <= matrix(pair[1], l));
                assert!(matrix(l, pair[0]) <= matrix(l, pair[1]));
            }
        }
    }

    #[test]
    fn classification_levels_map_to_impact() {
        assert_eq!(Level::of_classification(None), Level::Low);
        assert_eq!(Level::of_classification(Some(1)), Level::Medium);
        assert_eq!(Level::of_classification(Some(3)), Level::Critical);
    }
}
