import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';
import { requestFacts } from './observability';

/**
 * Counts SQL statements (for the N+1 guard in tests and the benchmark) and prints them when asked.
 * TypeORM calls logQuery for every statement whatever the logging option says.
 */
export class SqlStatementLogger extends AbstractLogger {
  private static counter = 0;

  static get count(): number {
    return SqlStatementLogger.counter;
  }

  constructor(private readonly printAll: boolean) {
    super(printAll ? 'all' : ['error']);
  }

  logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    SqlStatementLogger.counter += 1;
    const facts = requestFacts.getStore();
    if (facts) facts.sqlStatements += 1;
    super.logQuery(query, parameters, queryRunner);
  }

  protected writeLog(level: LogLevel, message: LogMessage | string | number | (LogMessage | string | number)[]): void {
    const messages = this.prepareLogMessages(message, { highlightSql: false });
    for (const m of messages) {
      if (m.type === 'query-error' || m.type === 'error' || level === 'warn') console.error(`[sql ${m.type ?? level}]`, m.message);
      else if (this.printAll) console.log(`[sql ${m.type ?? level}]`, m.message);
    }
  }
}
