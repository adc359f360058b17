"""Runs the kernel's Python suites with unittest, prints the result, and writes a summary JSON in the
shape scripts/test-summary.mjs sums: {numPassedTests, numFailedTests, numPendingTests, success}."""
import argparse
import json
import os
import sys
import unittest


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", help="where to write the summary")
    args = parser.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py", top_level_dir=here)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    # Subtests report under their parent test: count each test once.
    def test_id(test):
        return getattr(test, "test_case", test).id()

    failed_ids = {test_id(t) for t, _ in result.failures + result.errors} | {test_id(t) for t in result.unexpectedSuccesses}
    skipped_ids = {test_id(t) for t, _ in result.skipped} - failed_ids
    failed = len(failed_ids)
    skipped = len(skipped_ids)
    passed = result.testsRun - failed - skipped
    summary = {
        "numTotalTests": result.testsRun,
        "numPassedTests": passed,
        "numFailedTests": failed,
        "numPendingTests": skipped,
        "success": result.wasSuccessful(),
    }
    print("kernel suite: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(summary, f)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
