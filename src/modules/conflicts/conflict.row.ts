import type { ConflictResolution, ConflictStrategy } from './conflict-policy';
import type { WriteBackOutcome } from './conflict-write-back';
import type { ConflictSource } from './cross-source-policy';

/** A `conflicts` row as the module reads it. */
export interface ConflictRow {
  id: string;
  organization_id: string;
  record_id: string;
  integration_id: string;
  resource_type: string;
  field: string;
  kind: 'three_way' | 'cross_source';
  base_value: unknown;
  base_at: Date | null;
  local_value: unknown;
  local_at: Date | null;
  remote_value: unknown;
  remote_at: Date | null;
  status: 'open' | 'resolved' | 'ignored';
  strategy: ConflictStrategy | null;
  resolution: ConflictResolution | null;
  resolved_value: unknown;
  reason: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  write_back: WriteBackOutcome | null;
  /** cross_source: the person, each source's value and time, and the source a resolution chose. */
  person_id: string | null;
  sources: ConflictSource[] | null;
  winning_integration_id: string | null;
  created_at: Date;
  updated_at: Date;
}
