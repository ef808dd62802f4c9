#!/usr/bin/env python3
"""Independent numpy cross-check of the Kelvin point-force solution (science.md).

Re-implements u_i = F_j / (16 pi mu (1 - nu) r) [(3 - 4 nu) d_ij + x_i x_j / r^2] from scratch, checks
it against the Navier equation mu lap(u) + (lambda + mu) grad(div u) = 0 and incompressibility
(nu = 0.5) by finite differences, checks that the traction on a sphere around the force balances F,
and prints the reference values that tests/core/KelvinTests.cpp hard-codes. Exit status 0 when all
checks pass. Usage: python3 tests/tools/check_kelvin.py
"""
import sys

import numpy as np


def kelvin(x, F, E, nu):
    mu = E / (2 * (1 + nu))
    r = np.linalg.norm(x)
    return (F * (3 - 4 * nu) + x * np.dot(x, F) / r**2) / (16 * np.pi * mu * (1 - nu) * r)


def jacobian(fun, x, h):
    J = np.zeros((3, 3))
    for j in range(3):
        e = np.zeros(3)
        e[j] = h
        J[:, j] = (fun(x + e) - fun(x - e)) / (2 * h)
    return J


def navier_residual(x, F, E, nu, h=1e-3):
    mu = E / (2 * (1 + nu))
    lam = 2 * mu * nu / (1 - 2 * nu)
    u = lambda p: kelvin(p, F, E, nu)
    lap = np.zeros(3)
    for j in range(3):
        e = np.zeros(3)
        e[j] = h
        lap += (u(x + e) - 2 * u(x) + u(x - e)) / h**2
    div = lambda p: np.trace(jacobian(u, p, h))
    gdiv = np.array([(div(x + h * np.eye(3)[j]) - div(x - h * np.eye(3)[j])) / (2 * h) for j in range(3)])
    return mu * lap + (lam + mu) * gdiv, mu * np.abs(lap).max()


def traction_balance(F, E, nu, R=1.3, n=120):
    """Integrates sigma . n over a sphere of radius R around the force: must equal -F (the medium
    outside pulls back), i.e. the force recovered inside equals F."""
    mu = E / (2 * (1 + nu))
    lam = 2 * mu * nu / (1 - 2 * nu)
    th = (np.arange(n) + 0.5) * np.pi / n
    ph = (np.arange(2 * n) + 0.5) * np.pi / n
    total = np.zeros(3)
    for t in th:
        for p in ph:
            nrm = np.array([np.sin(t) * np.cos(p), np.sin(t) * np.sin(p), np.cos(t)])
            x = R * nrm
            G = jacobian(lambda q: kelvin(q, F, E, nu), x, 1e-5)
            eps = 0.5 * (G + G.T)
            sig = lam * np.trace(eps) * np.eye(3) + 2 * mu * eps
            total += sig @ nrm * R**2 * np.sin(t) * (np.pi / n) ** 2
    return total


def main():
    ok = True
    refs = [
        ((1.0, -0.5, 2.0), (100.0, 200.0, -300.0), 1000.0, 0.45),
        ((0.3, 0.4, -1.2), (-50.0, 10.0, 80.0), 2500.0, 0.3),
        ((2.0, 0.0, 0.0), (1000.0, 0.0, 0.0), 1000.0, 0.5),
    ]
    print("reference values (x_um, F_pN, E_Pa, nu) -> u_um:")
    for x, F, E, nu in refs:
        u = kelvin(np.array(x), np.array(F), E, nu)
        print(f"  {x} {F} {E} {nu} -> {u[0]:.12e} {u[1]:.12e} {u[2]:.12e}")

    x = np.array([1.0, 0.7, -0.4])
    F = np.array([30.0, -20.0, 50.0])
    res, scale = navier_residual(x, F, 1000.0, 0.3)
    print(f"Navier residual (nu=0.3): {np.abs(res).max():.3e} relative to mu|lap u| {scale:.3e}")
    ok &= np.abs(res).max() < 1e-4 * scale
    J = jacobian(lambda p: kelvin(p, F, 1000.0, 0.5), x, 1e-4)
    print(f"div u (nu=0.5): {np.trace(J):.3e} vs |grad u| {np.abs(J).max():.3e}")
    ok &= abs(np.trace(J)) < 1e-6 * np.abs(J).max()
    t = traction_balance(F, 1000.0, 0.3)
    print(f"traction integral over a sphere: {t} (expected {-F})")
    ok &= np.allclose(t, -F, rtol=2e-3, atol=2e-3 * np.linalg.norm(F))
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
