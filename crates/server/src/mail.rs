//! Outgoing mail (password links) over SMTP with lettre (`SMTP_URL`), or, without it,
//! into the log, so development works with no mail server.

use crate::config::Config;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Where mail goes.
pub enum Mailer {
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Box<Mailbox>,
    },
    /// No `SMTP_URL`: mails are logged (the link can be copied from the log).
    Log,
}

impl Mailer {
    pub fn from_config(c: &Config) -> anyhow::Result<Mailer> {
        let Some(url) = &c.smtp_url else {
            return Ok(Mailer::Log);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
            .map_err(|e| anyhow::anyhow!("SMTP_URL is not a valid SMTP address: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(10)))
            .build();
        let from = c
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("MAIL_FROM is not a valid address: {e}"))?;
        Ok(Mailer::Smtp {
            transport: Box::new(transport),
            from: Box::new(from),
        })
    }

    /// Send a plain-text mail; errors are the caller's to log (never shown to users).
    pub async fn send(&self, to: &str, subject: &str, body: String) -> anyhow::Result<()> {
        match self {
            Mailer::Log => {
                tracing::info!(to, subject, body = %body, "mail (no SMTP_URL: logged, not sent)");
                Ok(())
            }
            Mailer::Smtp { transport, from } => {
                let message = Message::builder()
                    .from(from.as_ref().clone())
                    .to(to.parse()?)
                    .subject(subject)
                    .body(body)?;
                transport.send(message).await?;
                Ok(())
            }
        }
    }
}
