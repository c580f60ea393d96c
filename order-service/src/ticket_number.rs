//! Ticket numbers: the short code a person reads out or types when a QR code cannot be scanned.
//! Twelve symbols of Crockford's base32, stored bare and shown in groups of four
//! (`K7Q2-9XMB-4TZ8`); PostgreSQL draws them (`ticket_number_new()`), this module reads and
//! shows them.

/// Symbols in a ticket number.
pub const LENGTH: usize = 12;

const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The stored form of what someone typed: case-insensitive, dashes and spaces ignored, and the
/// letters Crockford reads as digits (O as 0, I and L as 1) taken as those digits. `None` when
/// it cannot be a ticket number.
pub fn normalise(typed: &str) -> Option<String> {
    let mut number = String::with_capacity(LENGTH);
    for symbol in typed.chars() {
        let symbol = match symbol.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        };
        if !ALPHABET.contains(symbol) || number.len() == LENGTH {
            return None;
        }
        number.push(symbol);
    }
    (number.len() == LENGTH).then_some(number)
}

/// The number as people see it: groups of four joined by dashes.
pub fn display(stored: &str) -> String {
    let symbols: Vec<char> = stored.chars().collect();
    symbols
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_shown_in_groups_of_four() {
        assert_eq!(display("K7Q29XMB4TZ8"), "K7Q2-9XMB-4TZ8");
    }

    #[test]
    fn typing_is_forgiving_about_case_dashes_spaces_and_look_alike_letters() {
        for typed in [
            "K7Q2-9XMB-4TZ8",
            "k7q2 9xmb 4tz8",
            "K7Q29XMB4TZ8",
            " k7q2-9xmb-4tz8 ",
        ] {
            assert_eq!(normalise(typed).as_deref(), Some("K7Q29XMB4TZ8"), "{typed}");
        }
        assert_eq!(normalise("oil0-ILO1-0000").as_deref(), Some("011011010000"));
    }

    #[test]
    fn what_cannot_be_a_number_is_refused() {
        for typed in [
            "",
            "K7Q2-9XMB-4TZ",
            "K7Q2-9XMB-4TZ8X",
            "K7Q2-9XMB-4TZU",
            "K7Q2_9XMB_4TZ8",
            "K7Q2-9XMB-4TZÉ",
        ] {
            assert_eq!(normalise(typed), None, "{typed}");
        }
    }
}
