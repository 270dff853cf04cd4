// Packages without (usable) type declarations. Their shapes are used only in src/engine/model.ts
// and src/engine/runtime.ts.
declare module 'bpmn-moddle' {
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string): Promise<any>;
    create(type: string, attrs?: object): any;
    toXML(element: unknown, options?: Record<string, unknown>): Promise<{ xml: string }>;
  }
}

declare module 'dmn-moddle' {
  export class DmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string, options?: Record<string, unknown>): Promise<{ rootElement: any; warnings: any[]; references: any[]; elementsById: Record<string, any> }>;
    toXML(element: any, options?: Record<string, unknown>): Promise<{ xml: string }>;
  }
}
