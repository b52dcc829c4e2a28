/**
 * Quick fixes computed by the analysis, as language-service code fix actions.
 */
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { analyzeSourceFile } from '../analysis/analyze';

export const FIX_NAME = 'tensorjit';

/** The quick fixes for a range and codes (shared with tests). */
export function codeFixes(t: TS, program: ts.Program, fileName: string, start: number, end: number, errorCodes: readonly number[]): ts.CodeFixAction[] {
  const sf = program.getSourceFile(fileName);
  if (!sf) return [];
  const analysis = analyzeSourceFile(t, program, sf);
  return analysis.fixes
    .filter((fx) => errorCodes.includes(fx.code) && fx.start <= end && start <= fx.start + fx.length)
    .map((fx) => ({
      fixName: FIX_NAME,
      description: fx.description,
      changes: [{ fileName, textChanges: fx.edits.map((e) => ({ span: { start: e.start, length: e.length }, newText: e.newText })) }],
    }));
}

