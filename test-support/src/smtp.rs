//! What the local SMTP sink received: the raw messages in its Maildir.

use std::path::Path;

/// Every message delivered to `recipient` (matched on its `To:` header), raw.
pub fn messages_to(maildir: &Path, recipient: &str) -> std::io::Result<Vec<Vec<u8>>> {
    let wanted = format!("To: {}", recipient.to_lowercase());
    let mut messages = Vec::new();
    for folder in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(folder)) else {
            continue;
        };
        for entry in entries {
            let bytes = std::fs::read(entry?.path())?;
            let head_end = bytes
                .windows(2)
                .position(|window| window == b"\n\n")
                .into_iter()
                .chain(bytes.windows(4).position(|window| window == b"\r\n\r\n"))
                .min()
                .unwrap_or(bytes.len());
            let head = String::from_utf8_lossy(&bytes[..head_end]).to_lowercase();
            if head
                .lines()
                .any(|line| line.trim_end() == wanted.to_lowercase())
            {
                messages.push(bytes);
            }
        }
    }
    Ok(messages)
}
