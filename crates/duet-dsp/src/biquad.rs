//! Second-order sections from the RBJ Audio EQ Cookbook, in `f64`: a 31 Hz band at 96 kHz puts
//! its poles within 0.002 of the unit circle, where `f32` coefficients would be audibly off.

use std::f64::consts::{LN_2, PI};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Coeffs {
    b0: f64,
    b1: f64,
    b2: f64,
    a1: f64,
    a2: f64,
}

impl Coeffs {
    /// Passes the signal through unchanged.
    pub(crate) const IDENTITY: Coeffs = Coeffs {
        b0: 1.0,
        b1: 0.0,
        b2: 0.0,
        a1: 0.0,
        a2: 0.0,
    };

    /// A peaking filter: `gain_db` at `freq`, 0 dB far from it; `q` sets its width.
    ///
    /// The width is widened near Nyquist as the cookbook's bandwidth form does (the bilinear
    /// transform squeezes a band there: a 16 kHz band at 44.1 kHz would otherwise leave a 5 dB
    /// dip between 8 and 16 kHz with every slider up), but at most twofold, beyond which the
    /// top band swamps its neighbour and the curve can no longer meet both sliders.
    pub(crate) fn peaking(sample_rate: f64, freq: f64, q: f64, gain_db: f64) -> Self {
        const MAX_WARP_WIDENING: f64 = 2.0;
        let a = 10f64.powf(gain_db / 40.0);
        let w0 = 2.0 * PI * freq / sample_rate;
        let (sin, cos) = w0.sin_cos();
        let octaves = 2.0 / LN_2 * (1.0 / (2.0 * q)).asinh();
        let widening = (w0 / sin).min(MAX_WARP_WIDENING);
        let alpha = sin * (LN_2 / 2.0 * octaves * widening).sinh();
        let a0 = 1.0 + alpha / a;
        Coeffs {
            b0: (1.0 + alpha * a) / a0,
            b1: -2.0 * cos / a0,
            b2: (1.0 - alpha * a) / a0,
            a1: -2.0 * cos / a0,
            a2: (1.0 - alpha / a) / a0,
        }
    }

    /// |H| at `freq`, linear.
    pub(crate) fn magnitude(&self, sample_rate: f64, freq: f64) -> f64 {
        let w = 2.0 * PI * freq / sample_rate;
        let (s1, c1) = w.sin_cos();
        let (s2, c2) = (2.0 * w).sin_cos();
        let num_re = self.b0 + self.b1 * c1 + self.b2 * c2;
        let num_im = self.b1 * s1 + self.b2 * s2;
        let den_re = 1.0 + self.a1 * c1 + self.a2 * c2;
        let den_im = self.a1 * s1 + self.a2 * s2;
        ((num_re * num_re + num_im * num_im) / (den_re * den_re + den_im * den_im)).sqrt()
    }
}

/// Direct form I history: the last two inputs and outputs. Form I (rather than the transposed
/// form II) because its state is the signal itself, so a section can take new coefficients, or
/// start from "it was passing the signal through", without a jump.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct State {
    x1: f64,
    x2: f64,
    y1: f64,
    y2: f64,
}

impl State {
    /// The state of a section that has been passing `x1` (last) and `x2` through unchanged.
    pub(crate) fn passing(x1: f64, x2: f64) -> Self {
        State {
            x1,
            x2,
            y1: x1,
            y2: x2,
        }
    }

    #[inline(always)]
    pub(crate) fn run(&mut self, c: &Coeffs, x: f64) -> f64 {
        let y = c.b0 * x + c.b1 * self.x1 + c.b2 * self.x2 - c.a1 * self.y1 - c.a2 * self.y2;
        self.x2 = self.x1;
        self.x1 = x;
        self.y2 = self.y1;
        self.y1 = y;
        y
    }

    /// Zeroes a history that has decayed below anything audible, so a long silence after music
    /// does not leave the filters grinding on subnormal numbers (100× slower on x86), and one
    /// that a NaN or infinity in the input has poisoned, which would otherwise silence the
    /// section for good.
    pub(crate) fn settle(&mut self) {
        const TINY: f64 = 1e-30;
        let values = [self.x1, self.x2, self.y1, self.y2];
        if values.iter().all(|v| v.abs() < TINY) || !values.iter().all(|v| v.is_finite()) {
            *self = State::default();
        }
    }
}
