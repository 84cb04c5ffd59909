#!/usr/bin/env python3
"""OR-Tools baseline for the Cordeau (2006) dial-a-ride instances.

Usage: python3 ortools_darp.py INSTANCE.txt [--seconds 10] [--json OUT.json]

Model (RoutingIndexManager / RoutingModel):
  * nodes 0 (start depot), 1..n pickups, n+1..2n deliveries, end depot =
    line 2n+1 if present, else a copy of node 0 (same convention as lifecircle);
  * arc cost = round(100 * Euclidean distance);
  * Time dimension: transit(i, j) = round(100 * dist(i, j)) + 100 * service(i),
    waiting (slack) allowed, every node's cumul restricted to its time window,
    vehicle start/end cumuls to the depot windows, route duration <= T via
    SetSpanUpperBoundForVehicle;
  * Capacity dimension with vehicle capacity Q;
  * AddPickupAndDelivery + same vehicle + cumul(pickup) <= cumul(delivery);
  * maximum ride time: cumul(delivery) - (cumul(pickup) + service(pickup)) <= L;
  * each request is optional with penalty 100 000 (50 000 on the pickup node +
    50 000 on the delivery node, ActiveVar(pickup) == ActiveVar(delivery)), so
    that "feasible solution found but some requests unserved" is
    distinguishable from "no solution at all". The penalty matches lifecircle's
    UNSERVED_PENALTY;
  * PARALLEL_CHEAPEST_INSERTION + GUIDED_LOCAL_SEARCH, time limit, 1 thread
    (the routing local search is single-threaded; CP-SAT workers set to 1 too).

Reported: total distance recomputed with floats from the routes, number of
unserved requests, and an independent float check of the returned schedule
(the cumul values OR-Tools returns) against time windows, travel times,
capacity, ride time and route duration.
"""
import argparse
import json
import math
import sys
import time

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

SCALE = 100
PENALTY_PER_REQUEST = 100_000
DROP_MODE = "pair"  # "pair": requests optional with penalty; "none": all mandatory


def parse(path):
    with open(path) as f:
        lines = [l.split() for l in f if l.strip()]
    m, two_n, T, Q, L = lines[0]
    m, two_n, Q = int(m), int(two_n), int(Q)
    T, L = float(T), float(L)
    assert two_n % 2 == 0
    n = two_n // 2
    nodes = []
    for k, f in enumerate(lines[1:]):
        assert len(f) == 7, (path, k, f)
        nid, x, y, s, q, e, l = f
        assert int(nid) == k, (path, k, nid)
        nodes.append(dict(x=float(x), y=float(y), s=float(s), q=int(q), e=float(e), l=float(l)))
    if len(nodes) == two_n + 1:
        end = dict(nodes[0])
        had_end = False
    elif len(nodes) == two_n + 2:
        end = nodes[-1]
        nodes = nodes[:-1]
        had_end = True
    else:
        raise ValueError(f"{path}: {len(nodes)} node lines, expected {two_n + 1} or {two_n + 2}")
    nodes.append(end)  # index 2n+1 = end depot
    return dict(m=m, n=n, T=T, Q=Q, L=L, nodes=nodes, had_end=had_end)


def dist(a, b):
    return math.hypot(a["x"] - b["x"], a["y"] - b["y"])


def solve(inst, seconds):
    m, n, nodes = inst["m"], inst["n"], inst["nodes"]
    N = len(nodes)  # 2n + 2
    start_depot, end_depot = 0, N - 1
    manager = pywrapcp.RoutingIndexManager(N, m, [start_depot] * m, [end_depot] * m)
    routing = pywrapcp.RoutingModel(manager)
    solver = routing.solver()

    D = [[int(round(SCALE * dist(nodes[i], nodes[j]))) for j in range(N)] for i in range(N)]
    S = [int(round(SCALE * nodes[i]["s"])) for i in range(N)]

    def cost_cb(fi, ti):
        return D[manager.IndexToNode(fi)][manager.IndexToNode(ti)]

    def time_cb(fi, ti):
        i, j = manager.IndexToNode(fi), manager.IndexToNode(ti)
        return D[i][j] + S[i]

    def load_cb(fi):
        return nodes[manager.IndexToNode(fi)]["q"]

    cost_idx = routing.RegisterTransitCallback(cost_cb)
    routing.SetArcCostEvaluatorOfAllVehicles(cost_idx)

    horizon = int(round(SCALE * max(nd["l"] for nd in nodes)))
    time_idx = routing.RegisterTransitCallback(time_cb)
    routing.AddDimension(time_idx, horizon, horizon, False, "Time")
    tdim = routing.GetDimensionOrDie("Time")

    load_idx = routing.RegisterUnaryTransitCallback(load_cb)
    routing.AddDimensionWithVehicleCapacity(load_idx, 0, [inst["Q"]] * m, True, "Load")

    for i in range(1, 2 * n + 1):
        idx = manager.NodeToIndex(i)
        tdim.CumulVar(idx).SetRange(int(round(SCALE * nodes[i]["e"])), int(round(SCALE * nodes[i]["l"])))
    T = int(round(SCALE * inst["T"]))
    for v in range(m):
        tdim.CumulVar(routing.Start(v)).SetRange(
            int(round(SCALE * nodes[start_depot]["e"])), int(round(SCALE * nodes[start_depot]["l"])))
        tdim.CumulVar(routing.End(v)).SetRange(
            int(round(SCALE * nodes[end_depot]["e"])), int(round(SCALE * nodes[end_depot]["l"])))
        tdim.SetSpanUpperBoundForVehicle(T, v)

    L = int(round(SCALE * inst["L"]))
    for r in range(1, n + 1):
        p, d = manager.NodeToIndex(r), manager.NodeToIndex(n + r)
        routing.AddPickupAndDelivery(p, d)
        solver.Add(routing.VehicleVar(p) == routing.VehicleVar(d))
        solver.Add(tdim.CumulVar(p) <= tdim.CumulVar(d))
        solver.Add(tdim.CumulVar(d) - (tdim.CumulVar(p) + S[r]) <= L)
        if DROP_MODE == "pair":
            half = SCALE * PENALTY_PER_REQUEST // 2
            routing.AddDisjunction([p], half)
            routing.AddDisjunction([d], half)
            solver.Add(routing.ActiveVar(p) == routing.ActiveVar(d))

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    params.sat_parameters.num_workers = 1

    t0 = time.time()
    sol = routing.SolveWithParameters(params)
    elapsed = time.time() - t0
    status = routing.status()
    if sol is None:
        return dict(found=False, status=int(status), time=elapsed)

    routes, schedule = [], []
    for v in range(m):
        idx = routing.Start(v)
        r, sch = [], []
        while True:
            node = manager.IndexToNode(idx)
            r.append(node)
            sch.append(sol.Value(tdim.CumulVar(idx)) / SCALE)
            if routing.IsEnd(idx):
                break
            idx = sol.Value(routing.NextVar(idx))
        routes.append(r)
        schedule.append(sch)
    return dict(found=True, status=int(status), time=elapsed, routes=routes, schedule=schedule,
                objective_scaled=sol.ObjectiveValue())


def check(inst, res, tol=1e-6):
    """Float recomputation of cost and an independent feasibility check of the
    returned routes + schedule. Returns (cost, unserved, violations dict)."""
    n, nodes = inst["n"], inst["nodes"]
    cost = 0.0
    served = {}
    viol = dict(travel=0.0, tw=0.0, capacity=0, ride=0.0, duration=0.0, pairing=0)
    used = 0
    for r, sch in zip(res["routes"], res["schedule"]):
        if len(r) > 2:
            used += 1
        load = 0
        for k in range(len(r) - 1):
            i, j = r[k], r[k + 1]
            dij = dist(nodes[i], nodes[j])
            cost += dij
            # service start at j must be >= start at i + service i + travel
            viol["travel"] = max(viol["travel"], sch[k] + nodes[i]["s"] + dij - sch[k + 1])
        for k, i in enumerate(r):
            viol["tw"] = max(viol["tw"], nodes[i]["e"] - sch[k], sch[k] - nodes[i]["l"])
            if 1 <= i <= 2 * n:
                load += nodes[i]["q"]
                if load > inst["Q"] or load < 0:
                    viol["capacity"] += 1
                served[i] = (id(r), sch[k])
        viol["duration"] = max(viol["duration"], sch[-1] - sch[0] - inst["T"])
    unserved = 0
    for q in range(1, n + 1):
        p, d = served.get(q), served.get(n + q)
        if p is None and d is None:
            unserved += 1
            continue
        if p is None or d is None or p[0] != d[0] or p[1] > d[1]:
            viol["pairing"] += 1
            continue
        viol["ride"] = max(viol["ride"], d[1] - (p[1] + nodes[q]["s"]) - inst["L"])
    return cost, unserved, used, viol


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("instance")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--json")
    ap.add_argument("--mandatory", action="store_true",
                    help="no disjunctions: every request must be served (no solution if the search cannot)")
    a = ap.parse_args()
    global DROP_MODE
    if a.mandatory:
        DROP_MODE = "none"
    inst = parse(a.instance)
    name = a.instance.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    res = solve(inst, a.seconds)
    out = dict(instance=name, end_depot_line=inst["had_end"], found=res["found"], status=res["status"],
               time=round(res["time"], 2))
    if res["found"]:
        cost, unserved, used, viol = check(inst, res)
        # float tolerance: integer rounding of 100*dist can shift times by <= 0.005 per arc
        tol = 0.005 * (2 * inst["n"] + 2)
        float_ok = (viol["capacity"] == 0 and viol["pairing"] == 0 and
                    max(viol["travel"], viol["tw"], viol["ride"], viol["duration"]) <= tol)
        out.update(cost=round(cost, 2), unserved=unserved, vehicles=used, feasible=(unserved == 0 and float_ok),
                   float_check_ok=float_ok, max_violation={k: round(v, 4) for k, v in viol.items()},
                   objective_scaled=res["objective_scaled"], routes=res["routes"])
        print(f"{name}: cost {cost:.2f}, {used} vehicles, {unserved} requests unserved, "
              f"feasible {'yes' if out['feasible'] else 'no'} (float check {'ok' if float_ok else 'FAILED'}, "
              f"max viol travel {viol['travel']:.4f} tw {viol['tw']:.4f} ride {viol['ride']:.4f} "
              f"dur {viol['duration']:.4f}), {res['time']:.1f} s, status {res['status']}")
    else:
        print(f"{name}: no solution found, status {res['status']}, {res['time']:.1f} s")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f)


if __name__ == "__main__":
    sys.exit(main())
