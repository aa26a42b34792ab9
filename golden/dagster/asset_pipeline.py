"""Asset-centric: three assets whose dependencies come from parameter names."""

import statistics

import dagster as dg


@dg.asset(group_name="sales")
def raw_orders() -> list:
    return [{"id": i, "amount": 10.0 * i} for i in range(1, 6)]


@dg.asset(group_name="sales")
def order_totals(raw_orders: list) -> dict:
    amounts = [o["amount"] for o in raw_orders]
    return {"total": sum(amounts), "mean": statistics.mean(amounts)}


@dg.asset(group_name="sales", retry_policy=dg.RetryPolicy(max_retries=2, delay=1))
def sales_report(order_totals: dict) -> str:
    report = f"total={order_totals['total']:.1f} mean={order_totals['mean']:.1f}"
    print(report)
    return report


defs = dg.Definitions(assets=[raw_orders, order_totals, sales_report])
