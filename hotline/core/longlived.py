"""What a serving process does once its app is loaded."""
import gc


def freeze_startup() -> None:
    """Put every object alive now (modules, the app, its mappers, message catalogs, phone
    metadata: some 200,000) in the collector's permanent generation. They live as long as
    the process; left in the oldest generation, each full collection walks them all, in
    the middle of whichever request set it off: 155 ms on a wall-board snapshot of 50
    (bench/scale.py at a million tickets)."""
    gc.collect()
    gc.freeze()
