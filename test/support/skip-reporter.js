'use strict';
/**
 * After a run, one line for each skipped block: the file, how many tests, and why (the ` [skipped: …]` that
 * test/support/requirements.ts puts in a skipped block's name). A skip without a reason is listed as such.
 */
const path = require('node:path');

const MARK = /\[skipped: ([^\]]+)\]/;

class SkipReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.selecting = Boolean(globalConfig.testNamePattern);
  }

  onRunComplete(_contexts, results) {
    const groups = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending' && test.status !== 'todo') continue;
        const reason = [...test.ancestorTitles, test.title]
          .map((t) => MARK.exec(t)?.[1])
          .find(Boolean);
        // With -t, every test not selected is pending too: only the ones skipped for a reason are worth a line.
        if (!reason && this.selecting) continue;
        const key = `${path.relative(this.rootDir, file.testFilePath)}\0${reason ?? (test.status === 'todo' ? 'todo' : 'no reason given')}`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
      }
    }
    for (const [key, count] of groups) {
      const [file, reason] = key.split('\0');
      process.stderr.write(
        `skipped: ${count} test${count === 1 ? '' : 's'} in ${file}: ${reason}\n`,
      );
    }
  }
}

module.exports = SkipReporter;
