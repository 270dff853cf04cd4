/**
 * Lint rules shown on the modeler's diagram: bpmnlint's `recommended` rules (compiled for the
 * browser at build time) plus one rule that reports the server's deploy-check problems, so both
 * appear the same way, on the element they concern.
 */
import packed from 'virtual:bpmnlint-config';

export interface ServerProblem {
  element?: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

let serverProblems: ServerProblem[] = [];
let knownIds = new Set<string>();

/** Problems from the last refused deployment; ids not in the diagram go on the process. */
export function setServerProblems(problems: ServerProblem[], ids: Iterable<string>): void {
  serverProblems = problems;
  knownIds = new Set(ids);
}

export function clearServerProblems(): void {
  serverProblems = [];
}

const SERVER_PKG = 'bpmnlint-plugin-server';

function serverRule() {
  return {
    check(node: any, reporter: { report(id: string, message: string): void }) {
      for (const p of serverProblems) {
        if (p.element && p.element === node.id) reporter.report(node.id, `服务器检查：${p.message}`);
      }
      if (node.$type === 'bpmn:Process') {
        for (const p of serverProblems) {
          if (!p.element || !knownIds.has(p.element)) reporter.report(node.id, `服务器检查：${p.message}${p.line ? `（第 ${p.line} 行）` : ''}`);
        }
      }
    },
  };
}

/** The `linting.bpmnlint` option of the modeler. */
export const lintConfig = {
  config: { rules: { ...packed.config.rules, 'server/deploy-check': 'error' } },
  resolver: {
    resolveRule(pkg: string, name: string) {
      if (pkg === SERVER_PKG && name === 'deploy-check') return serverRule;
      return packed.resolver.resolveRule(pkg, name);
    },
    resolveConfig(pkg: string, name: string) {
      return packed.resolver.resolveConfig(pkg, name);
    },
  },
};
