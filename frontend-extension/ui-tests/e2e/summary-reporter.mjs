// A Playwright reporter that prints what a scenario measured (its "measured"
// annotations) and, last, the line scripts/test.sh counts: "N passed, M failed".
// A test that did not run because the run was cut short counts as failed.
export default class SummaryReporter {
  onBegin(_config, suite) {
    this.suite = suite;
  }

  onTestEnd(test, result) {
    for (const note of test.annotations.filter((a) => a.type === 'measured')) {
      console.log(`     ${test.title}: ${note.description}`);
    }
    if (result.status !== 'passed' && result.status !== 'skipped') {
      console.log(`     ${test.title}: ${result.status}`);
    }
  }

  onEnd(result) {
    let passed = 0;
    let failed = 0;
    for (const test of this.suite?.allTests() ?? []) {
      const outcome = test.outcome();
      if (outcome === 'expected' || outcome === 'flaky') passed++;
      else if (outcome === 'unexpected' || result.status !== 'passed') failed++;
    }
    if (failed === 0 && result.status !== 'passed') failed = 1;
    console.log(`${passed} passed, ${failed} failed`);
  }

  printsToStdio() {
    return true;
  }
}
