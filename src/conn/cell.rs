//! `ConnectionCell`: one connection shared, on one thread, by its JS object and its native
//! transport. Every use borrows it for the length of one call; a use while another is running
//! (JS called from inside OpenSSL — the PSK callback — calling back in) is refused instead of
//! aliasing the connection, and `destroy()` then waits until the running call returns.
//!
//! The connection can also be away on a handshake worker (io/pool.rs): a use then waits for
//! the worker's step to finish and takes the connection back (what the step would have cost
//! inline); the step's status is kept for the transport, which acts on it in order.

use super::{Connection, Status};
use crate::io::pool::Slot;
use std::cell::{Cell, RefCell};
use std::sync::Arc;

/// Why a use of the cell did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// The connection was destroyed.
    Destroyed,
    /// Another use is running (re-entry from a callback).
    Busy,
}

/// A connection that can be destroyed and is never borrowed twice.
pub struct ConnectionCell {
    /// None once destroyed.
    connection: RefCell<Option<Connection>>,
    /// `destroy()` was called while a use was running.
    destroy_requested: Cell<bool>,
    /// Where the connection's result comes back while it is away on a worker.
    away: RefCell<Option<Arc<Slot>>>,
    /// The status of a step whose connection a use took back early (for `come_back`).
    reclaimed: Cell<Option<Status>>,
}

impl ConnectionCell {
    /// A cell holding `connection`.
    pub fn new(connection: Connection) -> Self {
        ConnectionCell {
            connection: RefCell::new(Some(connection)),
            destroy_requested: Cell::new(false),
            away: RefCell::new(None),
            reclaimed: Cell::new(None),
        }
    }

    /// Takes the connection out to send it to a worker (its result comes back through `slot`).
    /// None when it is in use, destroyed or already away.
    pub fn send_away(&self, slot: Arc<Slot>) -> Option<Connection> {
        let mut connection = self.connection.try_borrow_mut().ok()?;
        let mut away = self.away.try_borrow_mut().ok()?;
        if away.is_some() || self.destroy_requested.get() {
            return None;
        }
        let taken = connection.take()?;
        *away = Some(slot);
        Some(taken)
    }

    /// The worker's step finished (on the loop's thread): the connection is back, and this is
    /// the step's status (Failed when the step left none); None when the connection was
    /// destroyed while away — nobody wants that step's outcome.
    pub fn come_back(&self) -> Option<Status> {
        let status = match self.reclaimed.take() {
            // A use took the connection back first and may have acted on it since (answered
            // the question the step left, say): the step's status is stale, the connection's
            // own is not.
            Some(status) => match self.connection.try_borrow() {
                Ok(connection) => connection.as_ref().map_or(status, |c| c.status()),
                Err(_) => status,
            },
            None => match self.away.borrow_mut().take().and_then(|slot| slot.try_take()) {
                Some((connection, status)) => {
                    if let Ok(mut slot) = self.connection.try_borrow_mut() {
                        *slot = Some(connection);
                    }
                    status
                }
                None => Status::Failed,
            },
        };
        let destroyed = self.connection.try_borrow().is_ok_and(|c| c.is_none());
        (!destroyed).then_some(status)
    }

    /// Whether the connection is away on a worker.
    pub fn is_away(&self) -> bool {
        self.away.try_borrow().is_ok_and(|a| a.is_some())
    }

    /// Takes the connection back from a worker now, waiting for its step.
    fn reclaim(&self) {
        let Some(slot) = self.away.borrow_mut().take() else { return };
        let (connection, status) = slot.wait();
        self.reclaimed.set(Some(status));
        if let Ok(mut slot) = self.connection.try_borrow_mut() {
            *slot = Some(connection);
        }
    }

    /// Runs `f` on the connection, then frees it if `destroy()` was asked meanwhile.
    pub fn try_with<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> Result<T, Unavailable> {
        if self.is_away() {
            self.reclaim();
        }
        let result = {
            let mut slot = self.connection.try_borrow_mut().map_err(|_| Unavailable::Busy)?;
            f(slot.as_mut().ok_or(Unavailable::Destroyed)?)
        };
        if self.destroy_requested.get() {
            self.destroy_requested.set(false);
            *self.connection.borrow_mut() = None;
        }
        Ok(result)
    }

    /// Frees the connection now, or when the running use returns (or the worker's step).
    pub fn destroy(&self) {
        if self.is_away() {
            self.reclaim();
        }
        match self.connection.try_borrow_mut() {
            Ok(mut slot) => *slot = None,
            Err(_) => self.destroy_requested.set(true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::test_pair::connection_pair;
    use crate::io::pool::Traveling;
    use openssl::ssl::SslVersion;

    /// A server connection sent to a "worker" whose step ended with `step_status`.
    fn away_with(step_status: Status) -> ConnectionCell {
        let (_client, server) = connection_pair(SslVersion::TLS1_3);
        let cell = ConnectionCell::new(server);
        let slot = Arc::new(Slot::default());
        let connection = cell.send_away(slot.clone()).expect("sent away");
        slot.fill(Traveling(connection), step_status);
        cell
    }

    #[test]
    fn a_step_reported_after_a_use_took_the_connection_back_reports_the_connections_status() {
        // The use (JS answering the question the step left, say) may have changed what is
        // next: the step's own status is stale by then.
        let cell = away_with(Status::Failed);
        assert_eq!(cell.try_with(|c| c.status()), Ok(Status::Ready));
        assert_eq!(cell.come_back(), Some(Status::Ready));
    }

    #[test]
    fn a_step_reported_in_turn_reports_its_own_status() {
        let cell = away_with(Status::Failed);
        assert_eq!(cell.come_back(), Some(Status::Failed));
    }

    #[test]
    fn a_step_whose_connection_was_destroyed_meanwhile_reports_nothing() {
        let cell = away_with(Status::Ready);
        cell.destroy();
        assert_eq!(cell.come_back(), None);
    }
}
