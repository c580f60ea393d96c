//! The schema owners share one database and so one `_sqlx_migrations` table: a version two of
//! them used would make the second look like a modified copy of the first and stop `migrate`.

use std::collections::HashMap;

#[test]
fn every_schema_owner_numbers_its_migrations_apart() {
    let owners = [
        ("command-service", &command_service::MIGRATOR),
        ("order-service", &order_service::MIGRATOR),
        ("scheduler", &scheduler::MIGRATOR),
    ];
    let mut seen: HashMap<i64, &str> = HashMap::new();
    for (owner, migrator) in owners {
        for migration in migrator.iter() {
            if let Some(other) = seen.insert(migration.version, owner)
                && other != owner
            {
                panic!(
                    "migration {} of {owner} has the version of one of {other}'s",
                    migration.version
                );
            }
        }
    }
    assert!(seen.len() >= 3);
}
