//! `quickcommerce`: serve, migrate, seed, create-admin, healthcheck.

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use quickcommerce::config::{AppEnv, Config};
use quickcommerce::{build_state, launch, seed, shutdown_signal};
use std::io::{Read, Write};

#[derive(Parser)]
#[command(
    name = "quickcommerce",
    version,
    about = "QuickCommerce real-time delivery platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the platform (REST, Socket.io, web app) on PORT.
    Serve {
        /// On an empty database, create the demo stores, catalog and accounts; print the
        /// logins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Load the catalog (stocked at every store); with --demo the demo stores and
    /// accounts too.
    Seed {
        #[arg(long)]
        demo: bool,
    },
    /// Create an admin account. The password is read from QC_ADMIN_PASSWORD or stdin.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
    /// Print a one-time link that sets the password of an account (a new picker's first
    /// password, or a reset), for operators without the admin app.
    PasswordLink {
        #[arg(long)]
        email: String,
    },
    /// Exit 0 when the local server answers /health/live (for container healthchecks).
    Healthcheck,
    /// Print the OpenAPI document (the web app's types are generated from it).
    Openapi,
}

/// Logs go to stdout when serving, to stderr for commands whose output is their result
/// (`openapi` prints a document, `seed` the logins).
fn init_tracing(env: AppEnv, serving: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    let writer = tracing_subscriber::fmt::writer::BoxMakeWriter::new(std::io::stdout);
    let writer = if serving {
        writer
    } else {
        tracing_subscriber::fmt::writer::BoxMakeWriter::new(std::io::stderr)
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    if env == AppEnv::Production {
        builder.json().init();
    } else {
        builder.compact().init();
    }
}

/// glibc raises its mmap threshold each time a large block is freed, after which the
/// 19 MiB argon2 buffers come from the heap and are kept: RSS grew to hundreds of MB
/// after a few hundred logins. A fixed threshold keeps large blocks on mmap, returned
/// to the OS when freed (measured: 552 MB -> 39 MB after the accept-race set-up). The
/// setting is read only at process start, so the process re-executes itself once with
/// it; an explicit `MALLOC_MMAP_THRESHOLD_` in the environment is left alone.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_malloc_threshold() {
    use std::os::unix::process::CommandExt;
    const VAR: &str = "MALLOC_MMAP_THRESHOLD_";
    if std::env::var_os(VAR).is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let err = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(VAR, "1048576")
        .exec();
    // Only reached when exec failed: carry on with glibc's defaults.
    eprintln!("note: could not re-execute with {VAR} set: {err}");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fix_malloc_threshold() {}

fn main() -> anyhow::Result<()> {
    fix_malloc_threshold();
    run()
}

#[tokio::main]
async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::from_env()?;
    init_tracing(config.env, matches!(cli.command, Command::Serve { .. }));
    match cli.command {
        Command::Serve { demo } => serve(config, demo).await,
        Command::Migrate => {
            build_state(config).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Seed { demo } => {
            let mut config = config;
            config.demo = demo;
            let state = build_state(config).await?;
            if demo {
                seed::demo(&state).await?;
                println!("{}", seed::demo_logins_text("http://localhost:5000"));
            } else {
                let added = seed::catalog(&state).await?;
                println!("catalog: {added} products added, stocked at every store");
            }
            Ok(())
        }
        Command::CreateAdmin { email, name } => create_admin(config, &email, &name).await,
        Command::PasswordLink { email } => password_link(config, &email).await,
        Command::Healthcheck => healthcheck(config.port),
        Command::Openapi => {
            let dir = std::env::temp_dir().join(format!("qc-openapi-{}", std::process::id()));
            let mut config = config;
            config.database_url =
                quickcommerce::config::Dsn(format!("sqlite://{}/doc.db", dir.display()));
            let state = build_state(config).await?;
            let doc = quickcommerce::http::openapi_document(&state);
            println!("{}", doc.to_pretty_json()?);
            let _ = std::fs::remove_dir_all(dir);
            Ok(())
        }
    }
}

async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let port = config.port;
    if demo && config.is_production() {
        bail!("--demo is for development; demo passwords are public");
    }
    let mut config = config;
    config.demo = demo;
    let state = build_state(config).await?;
    if demo {
        seed::demo(&state).await?;
    }
    let listener = tokio::net::TcpListener::bind(("0.0.0.0", port))
        .await
        .with_context(|| format!("could not listen on port {port}"))?;
    let base = format!("http://localhost:{port}");
    tracing::info!(%base, backend = state.store.backend().as_str(), "QuickCommerce is ready");
    if demo {
        println!("{}", seed::demo_logins_text(&base));
    }
    launch(state, listener, shutdown_signal()).await
}

async fn create_admin(config: Config, email: &str, name: &str) -> anyhow::Result<()> {
    let password = match std::env::var("QC_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            eprintln!("Admin password (then Enter or Ctrl-D):");
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .context("could not read the password")?;
            s.lines().next().unwrap_or_default().to_owned()
        }
    };
    let state = build_state(config).await?;
    let user = quickcommerce::app::accounts::create_admin(&state, email, name, &password)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.public_message()))?;
    println!(
        "admin created: {} <{}> (id {})",
        user.name, user.email, user.id
    );
    Ok(())
}

async fn password_link(config: Config, email: &str) -> anyhow::Result<()> {
    let state = build_state(config).await?;
    let email = qc_domain::Email::parse(email)
        .map_err(|_| anyhow::anyhow!("{email:?} is not an e-mail address"))?;
    let user = state
        .store
        .user_by_email(email.as_str())
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account uses {}", email.as_str()))?;
    let purpose = if user.role == qc_domain::Role::Picker {
        "setup"
    } else {
        "reset"
    };
    let (token, expires) = quickcommerce::app::password_links::new_link(&state, &user.id, purpose)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.public_message()))?;
    println!(
        "{}/set-password?token={token}\n(valid until {expires}; once)",
        state.config.public_url
    );
    Ok(())
}

fn healthcheck(port: u16) -> anyhow::Result<()> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))
        .with_context(|| format!("nothing listens on port {port}"))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(3)))?;
    stream.write_all(b"GET /health/live HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
    let mut buf = [0u8; 64];
    let n = stream.read(&mut buf)?;
    let head = String::from_utf8_lossy(&buf[..n]);
    if head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200") {
        println!("healthy");
        Ok(())
    } else {
        bail!("unhealthy: {}", head.lines().next().unwrap_or(""))
    }
}
