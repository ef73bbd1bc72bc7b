import jsonata from 'jsonata';

/** Budgets of one JSONata evaluation (JSONata 2.2 guardrails). */
export interface ExpressionBudget {
  /** Wall-clock limit of one evaluation, in milliseconds (JSONata `timeout`, error D1012). */
  timeMs: number;
  /** Deepest evaluation stack allowed (JSONata `stack`, error D1011): stops runaway recursion. */
  maxDepth: number;
  /** Longest sequence an evaluation may build (JSONata `sequence`, error D2015). */
  maxSequence: number;
  /** Largest result allowed, in characters of its JSON form. */
  maxResultChars: number;
}

/** Default budgets: 50 ms, depth 200, sequences of 10,000, 64 KiB of result. */
export const DEFAULT_BUDGET: ExpressionBudget = { timeMs: 50, maxDepth: 200, maxSequence: 10_000, maxResultChars: 65_536 };

/** Longest expression text accepted at creation. */
export const MAX_EXPRESSION_CHARS = 4_000;

/** An expression that failed to compile, threw, or exceeded its budget. The message names no record value. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

/** A compiled JSONata expression (https://docs.jsonata.org/) with budgets. */
export interface CompiledExpression {
  evaluate(input: unknown, bindings: Record<string, unknown>): Promise<unknown>;
}

/**
 * Compiles a JSONata expression. No function is registered beyond JSONata's built-ins (which
 * reach neither the network nor the filesystem). Evaluation is bounded by JSONata's guardrails
 * (time, stack depth, sequence length, checked at every step) and the result by its JSON size.
 * @throws ExpressionError when the text is too long or does not parse (message: JSONata's error code and position).
 */
export function compileExpression(text: string, budget: ExpressionBudget = DEFAULT_BUDGET): CompiledExpression {
  if (typeof text !== 'string' || !text.trim()) throw new ExpressionError('expression is empty');
  if (text.length > MAX_EXPRESSION_CHARS) throw new ExpressionError(`expression is longer than ${MAX_EXPRESSION_CHARS} characters`);
  let expr: jsonata.Expression;
  try {
    const options = { timeout: budget.timeMs, stack: budget.maxDepth, sequence: budget.maxSequence };
    expr = (jsonata as unknown as (t: string, o: object) => jsonata.Expression)(text, options);
  } catch (error) {
    const e = error as { code?: string; position?: number; message?: string };
    throw new ExpressionError(`expression does not parse: ${e.code ?? ''} at ${e.position ?? '?'}: ${String(e.message ?? '').slice(0, 200)}`);
  }
  return {
    async evaluate(input, bindings) {
      let result: unknown;
      try {
        result = await expr.evaluate(input, bindings);
      } catch (error) {
        const e = error as { code?: string; message?: string };
        if (e.code === 'D1012') throw new ExpressionError(`expression exceeded its time budget of ${budget.timeMs} ms`);
        if (e.code === 'D1011') throw new ExpressionError(`expression exceeded its depth budget of ${budget.maxDepth}`);
        if (e.code === 'D2015') throw new ExpressionError(`expression exceeded its sequence budget of ${budget.maxSequence} items`);
        // JSONata's message can quote the record's values: only its code is kept.
        throw new ExpressionError(`expression failed with JSONata error ${e.code ?? 'unknown'}`);
      }
      const size = result === undefined ? 0 : (JSON.stringify(result)?.length ?? 0);
      if (size > budget.maxResultChars) throw new ExpressionError(`expression result exceeded its size budget of ${budget.maxResultChars} characters`);
      return result;
    },
  };
}
