import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';
import { requestFacts } from './observability';
import { logger, safeError } from './logger';

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

  /**
   * A failed statement is logged as one JSON line with the driver's codes and the first words of the SQL text,
   * never its parameters (emails, names, search terms) nor the server's message, which can quote them.
   */
  logQueryError(error: string | Error, query: string): void {
    logger.warn(
      {
        err: typeof error === 'string' ? { type: 'Error' } : safeError(error),
        sql: query.replace(/\s+/g, ' ').slice(0, 120),
      },
      'sql statement failed',
    );
  }

  protected writeLog(
    level: LogLevel,
    message: LogMessage | string | number | (LogMessage | string | number)[],
  ): void {
    const messages = this.prepareLogMessages(message, { highlightSql: false });
    for (const m of messages) {
      // Statements and their parameters are printed only when LOG_SQL asks for it (development).
      if (this.printAll) console.log(`[sql ${m.type ?? level}]`, m.message);
      else if (m.type === 'error' || level === 'warn')
        logger.warn({ kind: m.type ?? level }, 'typeorm');
    }
  }
}
