//! `ConnectionCell`: one connection shared, on one thread, by its JS object and its native
//! transport. Every use borrows it for the length of one call; a use while another is running
//! (JS called from inside OpenSSL — the PSK callback — calling back in) is refused instead of
//! aliasing the connection, and `destroy()` then waits until the running call returns.

use super::Connection;
use std::cell::{Cell, RefCell};

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
}

impl ConnectionCell {
    /// A cell holding `connection`.
    pub fn new(connection: Connection) -> Self {
        ConnectionCell { connection: RefCell::new(Some(connection)), destroy_requested: Cell::new(false) }
    }

    /// Runs `f` on the connection, then frees it if `destroy()` was asked meanwhile.
    pub fn try_with<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> Result<T, Unavailable> {
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

    /// Frees the connection now, or when the running use returns.
    pub fn destroy(&self) {
        match self.connection.try_borrow_mut() {
            Ok(mut slot) => *slot = None,
            Err(_) => self.destroy_requested.set(true),
        }
    }

    /// Whether the connection is gone (or about to go).
    pub fn is_destroyed(&self) -> bool {
        self.destroy_requested.get() || self.connection.try_borrow().is_ok_and(|slot| slot.is_none())
    }
}
