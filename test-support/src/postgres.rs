//! A fresh PostgreSQL database per test, cloned from a migrated template.
//!
//! Migrating once and cloning (`CREATE DATABASE … TEMPLATE`) keeps per-test setup to tens of
//! milliseconds. The template's name carries a hash of the migrations, so changing a migration
//! makes a new template instead of reusing a stale one. Test processes run concurrently
//! (nextest runs one per test), so template creation is serialised by an advisory lock.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use sqlx::migrate::Migrator;
use sqlx::{Connection, Executor, PgConnection, PgPool};

use crate::stack::StackEnv;

/// Databases left behind by crashed tests are dropped once they are this old.
const STALE_AFTER_SECS: u64 = 2 * 60 * 60;

/// A database of this test's own, already migrated.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
    pub pool: PgPool,
}

impl TestDatabase {
    /// Creates a database with the migrations of every migrator applied, in order (services
    /// that share a database each own their migrations).
    pub async fn create(env: &StackEnv, migrators: &[&Migrator]) -> anyhow::Result<Self> {
        let mut admin = PgConnection::connect(&env.database_url_for("postgres"))
            .await
            .context(
                "connecting to the stack's PostgreSQL (is `devstack/stack up --engines` running?)",
            )?;
        let template = ensure_template(env, &mut admin, migrators).await?;
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
        let name = format!("test_{now}_{}", uuid::Uuid::new_v4().simple());
        // Dynamic: a database's name cannot be a bind parameter in DDL.
        admin
            .execute(format!(r#"create database "{name}" template "{template}""#).as_str())
            .await
            .with_context(|| format!("creating {name} from {template}"))?;
        admin.close().await?;
        let url = env.database_url_for(&name);
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(8)
            .connect(&url)
            .await?;
        Ok(Self { name, url, pool })
    }
}

async fn ensure_template(
    env: &StackEnv,
    admin: &mut PgConnection,
    migrators: &[&Migrator],
) -> anyhow::Result<String> {
    let template = format!("template_{:016x}", migrations_hash(migrators));
    sqlx::query!("select pg_advisory_lock(hashtext('boxoffice-test-template'))")
        .execute(&mut *admin)
        .await?;
    let outcome = async {
        let exists = sqlx::query_scalar!(
            r#"select exists(select 1 from pg_database where datname = $1) as "exists!""#,
            template
        )
        .fetch_one(&mut *admin)
        .await?;
        if !exists {
            drop_stale_test_databases(admin).await?;
            let building = format!("{template}_building");
            // Dynamic: a database's name cannot be a bind parameter in DDL.
            admin
                .execute(format!(r#"drop database if exists "{building}""#).as_str())
                .await?;
            admin
                .execute(format!(r#"create database "{building}""#).as_str())
                .await?;
            let mut connection = PgConnection::connect(&env.database_url_for(&building)).await?;
            for migrator in migrators {
                migrator
                    .run(&mut connection)
                    .await
                    .context("migrating the test template")?;
            }
            connection.close().await?;
            // Renamed only once complete, so a crash mid-migration never leaves a usable
            // half-migrated template behind (dynamic, as above).
            admin
                .execute(format!(r#"alter database "{building}" rename to "{template}""#).as_str())
                .await?;
        }
        anyhow::Ok(())
    }
    .await;
    sqlx::query_scalar!("select pg_advisory_unlock(hashtext('boxoffice-test-template'))")
        .fetch_one(&mut *admin)
        .await?;
    outcome.map(|()| template)
}

fn migrations_hash(migrators: &[&Migrator]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for migration in migrators.iter().flat_map(|migrator| migrator.iter()) {
        migration.version.hash(&mut hasher);
        migration.checksum.hash(&mut hasher);
    }
    hasher.finish()
}

async fn drop_stale_test_databases(admin: &mut PgConnection) -> anyhow::Result<()> {
    let names = sqlx::query_scalar!(
        r#"select datname::text as "datname!" from pg_database where datname like 'test\_%'"#
    )
    .fetch_all(&mut *admin)
    .await?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    for name in names {
        let created = name
            .split('_')
            .nth(1)
            .and_then(|stamp| stamp.parse::<u64>().ok());
        if created.is_some_and(|created| now.saturating_sub(created) > STALE_AFTER_SECS) {
            // Dynamic: a database's name cannot be a bind parameter in DDL.
            admin
                .execute(format!(r#"drop database if exists "{name}" with (force)"#).as_str())
                .await?;
        }
    }
    Ok(())
}
