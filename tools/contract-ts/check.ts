// What a TypeScript client does with the types openapi-typescript generates from docs/openapi.yaml:
// `tsc --strict` must accept this file, and every `@ts-expect-error` below must really be an error
// (tsc fails on an unused one), so the types are checked, not just present. Run by `make contract-ts`.
import type { components, operations, paths } from "./schema";

type Schemas = components["schemas"];
type AssignmentOut = Schemas["AssignmentOut"];
type VisitSubmission = paths["/api/auditor/visits/"]["post"]["requestBody"]["content"]["application/json"];
type VisitReceipt = operations["auditor_visits_create"]["responses"][201]["content"]["application/json"];
type Replayed = operations["auditor_visits_create"]["responses"][200]["content"]["application/json"];
type OfflineScorecard = paths["/api/auditor/scorecard-versions/{id}/"]["get"]["responses"][200]["content"]["application/json"];
type ResolveBody = operations["disputes_resolve"]["requestBody"]["content"]["application/json"];
type Dispute = operations["disputes_resolve"]["responses"][200]["content"]["application/json"];
type StoreFacingVisit = paths["/api/visits/{id}/"]["get"]["responses"][200]["content"]["application/json"];

// The phone's offer list: a typed function over an assignment.
export function describeOffer(assignment: AssignmentOut): string {
  const status: Schemas["AssignmentStatusEnum"] = assignment.status;
  const scenario = assignment.scenario === null ? "no complaint" : assignment.scenario.code;
  return `${assignment.store.code} ${assignment.window_start}..${assignment.window_end} ${assignment.daypart} ${status} ${scenario}`;
}

export function isOffered(assignment: AssignmentOut): boolean {
  return assignment.status === "offered";
}

// Every item key the offline scorecard asks about.
export function itemKeys(card: OfflineScorecard): string[] {
  return card.sections.flatMap((section) => section.items.map((item) => item.key));
}

// A whole visit as the phone submits it.
export function submission(assignment: AssignmentOut, uuid: string, keys: string[]): VisitSubmission {
  return {
    uuid,
    assignment: assignment.id,
    checked_in_at: "2026-11-20T12:01:00+08:00",
    checked_out_at: "2026-11-20T12:40:00+08:00",
    location: { latitude: 31.2397, longitude: 121.4906, accuracy: 15 },
    answers: keys.map((item) => ({ item, value: true })),
    receipt: { number: "A-0192", amount: 38.5, time: "2026-11-20T12:10:00+08:00" },
    photos: [{ uuid: "0b7e4d1a-1111-4a2b-8c3d-2e3f4a5b6c7d", item: "tables_clean" }],
  };
}

// The receipt: the same shape for the first answer (201) and a replay (200).
export function photosStillMissing(receipt: VisitReceipt | Replayed): string[] {
  const score: number | null = receipt.score;
  return score === null ? [] : receipt.photos_missing.map((photo) => `${photo.item}:${photo.uuid}:${photo.status}`);
}

// A reviewer's amendment of a disputed answer, and what the store side reads back.
export function amend(value: number, note: string): ResolveBody {
  return { outcome: "amended", value, note };
}

export function amendedScore(dispute: Dispute, visit: StoreFacingVisit, key: string): [number, unknown] {
  const answer = visit.answers.find((candidate) => candidate.key === key);
  return [dispute.visit_score, answer === undefined ? undefined : answer.value];
}

// The types refuse what the API refuses.
// @ts-expect-error -- not an assignment status
export const badStatus: Schemas["AssignmentStatusEnum"] = "lost";
// @ts-expect-error -- a submission without its answers
export const noAnswers: VisitSubmission = { uuid: "u", assignment: 1, checked_in_at: "t", checked_out_at: "t" };
// @ts-expect-error -- a resolution's outcome is amended or upheld
export const badOutcome: ResolveBody = { outcome: "maybe", note: "n" };
export function readOnly(assignment: AssignmentOut): void {
  // @ts-expect-error -- a response's id is read-only
  assignment.id = 2;
}
