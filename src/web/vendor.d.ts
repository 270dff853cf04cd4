/** Modules without type declarations (the bpmn.io extensions) and the bundler's virtual modules. */
declare module 'bpmn-js-properties-panel' {
  export const BpmnPropertiesPanelModule: any;
  export const BpmnPropertiesProviderModule: any;
  export const CamundaPlatformPropertiesProviderModule: any;
  export function useService<T = any>(name: string, strict?: boolean): T;
}
declare module '@bpmn-io/properties-panel' {
  export function TextFieldEntry(props: Record<string, unknown>): any;
  export function isTextFieldEntryEdited(node: unknown): boolean;
  export function TextAreaEntry(props: Record<string, unknown>): unknown;
  export function isTextAreaEntryEdited(node: unknown): boolean;
  export function SelectEntry(props: Record<string, unknown>): unknown;
  export function isSelectEntryEdited(node: unknown): boolean;
}
declare module '@bpmn-io/properties-panel/preact' {
  export function h(type: any, props: Record<string, unknown> | null, ...children: any[]): any;
  export const options: { vnode?: (vnode: any) => void };
}
declare module 'camunda-bpmn-js-behaviors/lib/camunda-platform' {
  const module: any;
  export default module;
}
declare module 'camunda-bpmn-moddle/resources/camunda.json' {
  const descriptor: any;
  export default descriptor;
}
declare module 'bpmn-js-bpmnlint' {
  const module: any;
  export default module;
}
declare module 'virtual:bpmnlint-config' {
  const bundle: { config: { rules: Record<string, unknown> }; resolver: { resolveRule(pkg: string, name: string): unknown; resolveConfig(pkg: string, name: string): unknown } };
  export default bundle;
}
declare module '*.bpmn' {
  const xml: string;
  export default xml;
}

declare module 'bpmn-js-differ' {
  /** Semantic diff of two bpmn-moddle definitions, keyed by element id. */
  export function diff(
    oldDefinitions: unknown,
    newDefinitions: unknown,
  ): { _added: Record<string, any>; _removed: Record<string, any>; _changed: Record<string, { model: any; attrs: Record<string, { oldValue: unknown; newValue: unknown }> }>; _layoutChanged: Record<string, any> };
}
declare module 'dmn-js/lib/Modeler' {
  export default class DmnModeler {
    constructor(options: Record<string, unknown>);
    importXML(xml: string): Promise<{ warnings: unknown[] }>;
    saveXML(options?: { format?: boolean }): Promise<{ xml: string }>;
    getActiveViewer(): any;
    getViews(): Array<{ type: string; element: any }>;
    open(view: unknown): Promise<unknown>;
    on(event: string, fn: (...args: any[]) => void): void;
    destroy(): void;
  }
}
