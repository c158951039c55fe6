// A small front end of the headless API, written as a partner site would: it lists the living documents, reads
// what changed between two versions, and endorses a document. The types come only from the schema
// (`openapi-typescript openapi.json -o api.d.ts`); `tsc --noEmit` fails when the schema no longer says what this
// code relies on (tests/api/test_generated_client.py).
import type { components, paths } from "./api";

type Json<Op> = Op extends { responses: infer R }
  ? R extends { 200: { content: { "application/json": infer B } } }
    ? B
    : R extends { 202: { content: { "application/json": infer B } } }
      ? B
      : never
  : never;

type ListDocuments = paths["/api/v3/living-documents/"]["get"];
type CompareVersions = paths["/api/v3/living-documents/{document_id}/versions/{old}/compare/{new}/"]["get"];
type Endorse = paths["/api/v3/supporters/pages/{page_id}/endorsements/"]["post"];
type EndorsementBody = Endorse["requestBody"]["content"]["application/json"];
type Problem = components["schemas"]["Problem"];

const API = "https://krachtvanmokum.nl/api/v3";

class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.title}: ${problem.detail ?? ""}`);
  }
}

async function answer<T>(response: Response): Promise<T> {
  if (!response.ok) {
    throw new ApiError((await response.json()) as Problem);
  }
  return (await response.json()) as T;
}

export async function listDocuments(
  query: NonNullable<ListDocuments["parameters"]["query"]> = { limit: 20, offset: 0 },
): Promise<Json<ListDocuments>> {
  const search = new URLSearchParams({ limit: String(query.limit ?? 20), offset: String(query.offset ?? 0) });
  return answer(await fetch(`${API}/living-documents/?${search}`));
}

export async function compareVersions(
  path: CompareVersions["parameters"]["path"],
): Promise<Json<CompareVersions>> {
  const url = `${API}/living-documents/${path.document_id}/versions/${path.old}/compare/${path.new}/`;
  return answer(await fetch(url));
}

export async function endorse(pageId: number, body: EndorsementBody): Promise<Json<Endorse>> {
  const response = await fetch(`${API}/supporters/pages/${pageId}/endorsements/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return answer(response);
}

export async function main(): Promise<string[]> {
  const lines: string[] = [];
  const documents = await listDocuments();
  const first = documents.items[0];
  if (first === undefined) {
    return ["Er is nog geen document."];
  }
  const total: number = documents.count;
  const newest: number | null | undefined = first.latest_version;
  lines.push(`${first.title} (${total} documenten), ${first.url}`);
  if (newest != null && newest > 1) {
    const comparison = await compareVersions({ document_id: first.id, old: newest - 1, new: newest });
    const identical: boolean = comparison.identical;
    lines.push(`Versie ${comparison.old} → ${comparison.new}${identical ? ": gelijk" : ""}`);
    for (const change of comparison.changes) {
      const text: string = change.text;
      lines.push(`- ${text}`);
    }
  }
  const accepted = await endorse(first.id, {
    name: "Jan Jansen",
    email: "jan@example.org",
    visibility: "initials",
    consent: true,
  });
  const detail: string = accepted.detail;
  lines.push(detail);
  return lines;
}
