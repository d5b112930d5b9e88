import path from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';
import { fitRecommendedModel, holdoutWeeksOption, weeksBefore } from '../../src/cli/fit-auto';

const SAMPLE = path.resolve(__dirname, '../../../shared/datasets/cdnow/CDNOW_sample.txt');

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.app.services.orderImport.importFile(SAMPLE, { format: 'cdnow', source: 'cdnow' });
});
afterAll(async () => {
  await t.close();
});

describe('fit-models --model auto', () => {
  it('backtests the three models on the weeks before the as-of date, then fits and stores the winner up to it', async () => {
    expect(weeksBefore('1998-06-30', 39)).toBe('1997-09-30');
    const { backtest, fit } = await fitRecommendedModel(t.app.services, '1998-06-30', 39, 'week');
    expect(backtest.calibrationEnd).toBe('1997-09-30');
    expect(backtest.models.map((m) => m.model)).toEqual(['BG_NBD', 'MBG_NBD', 'PARETO_NBD']);
    for (const m of backtest.models) expect(Number.isFinite(m.meanAbsoluteError)).toBe(true);
    const lowest = Math.min(...backtest.models.map((m) => m.meanAbsoluteError));
    expect(
      backtest.models.find((m) => m.model === backtest.recommendation)!.meanAbsoluteError,
    ).toBe(lowest);
    // The winner is fitted on everything up to the as-of date and becomes the current fit.
    expect(fit).toMatchObject({ asOf: '1998-06-30', purchaseModel: backtest.recommendation });
    const { modelFit } = await t.ok(`{ modelFit { id asOf purchaseModel } }`);
    expect(modelFit).toEqual({ id: fit.id, asOf: '1998-06-30', purchaseModel: fit.purchaseModel });
  });

  it('bounds --holdout-weeks to the backtest holdout (1 to 104 weeks)', () => {
    expect(holdoutWeeksOption(undefined)).toBe(39);
    expect(holdoutWeeksOption('104')).toBe(104);
    for (const bad of ['0', '105', '2.5', 'x'])
      expect(() => holdoutWeeksOption(bad)).toThrow(/1 to 104/);
  });
});
