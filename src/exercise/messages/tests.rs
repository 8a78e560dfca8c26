//! Messages exercises, worked by hand.

use super::*;
