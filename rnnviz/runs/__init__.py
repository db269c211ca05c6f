"""A training run as a value: its settings (hashable, picklable) and what it produced.

request.py: `TrainRequest` and how it trains;  result.py: `Progress`, `RunResult`;
compare.py: K runs trained together (`CompareRequest`, `CompareResult`);
recall.py: any cell on the recall task (`RecallRequest`, `RecallResult`).
"""

from rnnviz.runs.compare import COMPARE_VARIES, CompareRequest, CompareResult
from rnnviz.runs.recall import RecallRequest, RecallResult
from rnnviz.runs.request import REPORT_EVERY_S, SCALINGS, TrainRequest
from rnnviz.runs.result import Progress, RunResult, TrainedModel

__all__ = [
    "COMPARE_VARIES",
    "REPORT_EVERY_S",
    "SCALINGS",
    "CompareRequest",
    "CompareResult",
    "Progress",
    "RecallRequest",
    "RecallResult",
    "RunResult",
    "TrainRequest",
    "TrainedModel",
]
