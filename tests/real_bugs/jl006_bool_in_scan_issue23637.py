# Source: https://github.com/jax-ml/jax/issues/23637
# bool() on the carry of scan and fori_loop bodies.
import jax


def scan_body(c, _):
    return bool(c), None  # expect: JL006


def run_scan():
    return jax.lax.scan(scan_body, 3.0, None, length=1)


def fori_body(_, c):
    return bool(c)  # expect: JL006


def run_fori():
    return jax.lax.fori_loop(0, 5, fori_body, 3.0)


def fori_body_fixed(_, c):
    return c != 0  # trap: JL006


def run_fori_fixed():
    return jax.lax.fori_loop(0, 5, fori_body_fixed, 3.0)
