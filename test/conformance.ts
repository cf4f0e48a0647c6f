// Holds the service's own test traffic to its OpenAPI document: every answer must be one the
// document lists for its route and status, in the documented shape, and a body the document
// refuses must never be accepted. The harness runs every request of the service tests through it.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { OpenApiDocument } from '../server/http/openapi.js';

type Operation = {
  requestBody?: { content?: Record<string, { schema?: object }> };
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
};

export interface Exchange {
  method: string;
  /** The path under /api/v1, without the query. */
  path: string;
  /** The request's body when it was sent as JSON (the service reads no other body as JSON). */
  requestBody: string | null;
  status: number;
  contentType: string | null;
  answer: string;
}

/** Checks exchanges against `doc`; `problems` of one exchange, empty when it conforms. */
export function conformanceOf(doc: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const compiled = new Map<object, ValidateFunction>();
  // Schemas may $ref the document's components: compile each with them beside it.
  const validatorOf = (schema: object) => {
    let v = compiled.get(schema);
    if (!v) compiled.set(schema, (v = ajv.compile({ ...schema, components: doc.components })));
    return v;
  };
  const templates = Object.keys(doc.paths)
    .map((template) => ({
      template,
      params: (template.match(/\{/g) ?? []).length,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }))
    // A fixed segment wins over a parameter (/audit/checkpoint before any /audit/{x}).
    .sort((a, b) => a.params - b.params);
  const errorsOf = (v: ValidateFunction) =>
    (v.errors ?? [])
      .slice(0, 5)
      .map(
        (e) =>
          `${e.instancePath || '(root)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
      )
      .join('; ');

  return (x: Exchange): string[] => {
    const at = `${x.method} ${x.path} → ${x.status}`;
    const found = templates.find((t) => t.pattern.test(x.path));
    const op = found
      ? ((doc.paths as Record<string, Record<string, Operation>>)[found.template]?.[
          x.method.toLowerCase()
        ] ?? null)
      : null;
    // An unknown route or method is the service's 404 (or the CORS preflight's answer).
    if (!op)
      return x.status === 404 || x.method === 'OPTIONS' ? [] : [`${at}: not in the document`];
    const problems: string[] = [];
    const documented = op.responses?.[String(x.status)];
    if (x.status < 300 && !documented)
      problems.push(`${at}: a success the document does not list for this route`);
    const response = documented ?? op.responses?.default;
    if (!response) return [...problems, `${at}: no answer documented for this status`];
    const schema = response.content?.['application/json']?.schema;
    const media = x.contentType?.split(';')[0]?.trim();
    // An answer in another media type the route documents (CSV on Accept: text/csv) is text.
    const otherMedia =
      media !== undefined && media !== 'application/json' && !!response.content?.[media];
    if (schema && !otherMedia) {
      if (!x.contentType?.startsWith('application/json'))
        problems.push(`${at}: answered ${x.contentType ?? 'no content type'}, documented as JSON`);
      else {
        const v = validatorOf(schema);
        if (!v(JSON.parse(x.answer)))
          problems.push(`${at}: the answer is not what the document says: ${errorsOf(v)}`);
      }
    }
    const bodySchema = op.requestBody?.content?.['application/json']?.schema;
    if (bodySchema && x.requestBody !== null && x.status < 400) {
      let body: unknown;
      try {
        body = JSON.parse(x.requestBody);
      } catch {
        problems.push(`${at}: accepted a body that is not JSON`);
      }
      const v = validatorOf(bodySchema);
      if (body !== undefined && !v(body))
        problems.push(`${at}: accepted a body the document refuses: ${errorsOf(v)}`);
    }
    return problems;
  };
}
