/**
 * The in-memory institution of the NexHealth sandbox. Rows are kept in NexHealth's own JSON
 * shapes (field names of the v3.0.0 OpenAPI schemas, https://docs.nexhealth.com/reference; docs/vendors/nexhealth.md), plus a
 * few internal links (a patient's location) that the JSON projections in json.ts leave out.
 */

/** `bio` of a patient (API_V20240412_Entities_PatientWithPrivacyAuthorization.bio; "" = not recorded). */
export interface NexBio {
  city: string;
  state: string;
  gender: string;
  zip_code: string;
  new_patient: boolean;
  non_patient: boolean;
  phone_number: string;
  date_of_birth: string | null;
  address_line_1: string;
  address_line_2: string;
  street_address: string;
  cell_phone_number: string;
  home_phone_number: string;
  work_phone_number: string;
}

export interface NexLocation {
  id: number; name: string; institution_id: number; street_address: string | null; street_address_2: string | null;
  city: string | null; state: string | null; zip_code: string | null; country_code: string | null; created_at: string; updated_at: string;
  latitude: number | null; longitude: number | null; phone_number: string | null; foreign_id: string; foreign_id_type: string;
  email: string | null; tz: string; last_sync_time: string | null; insert_appt_client: boolean; map_by_operatory: boolean;
  set_availability_by_operatory: boolean; inactive: boolean; specialty: { id: number; name: string };
}

export interface NexProvider {
  id: number; email: string | null; first_name: string; middle_name: string | null; last_name: string; name: string;
  created_at: string; updated_at: string; institution_id: number; foreign_id: string | null; foreign_id_type: string;
  bio: Record<string, unknown>; inactive: boolean; last_sync_time: string | null; display_name: string | null; npi: string | null;
  tin: string | null; state_license: string | null; specialty_code: string | null;
  /** Internal: the locations the provider works at. */
  location_ids: number[];
}

export interface NexOperatory {
  id: number; name: string; foreign_id: string; foreign_id_type: string; location_id: number; last_sync_time: string | null;
  created_at: string; updated_at: string; display_name: string | null; active: boolean; bookable_online: boolean;
}

export interface NexPatient {
  id: number; email: string | null; first_name: string; middle_name: string | null; last_name: string; name: string;
  created_at: string; updated_at: string; institution_id: number; foreign_id: string | null; foreign_id_type: string;
  bio: NexBio; inactive: boolean; last_sync_time: string | null; guarantor_id: number | null; billing_type: string | null;
  chart_id: string | null; preferred_language: string | null; provider_id: number | null;
  hipaa: { authorization: boolean; authorization_date: string; privacy: boolean; privacy_date: string; consent: boolean; consent_date: string };
  /** Internal: the patient's location (GET /patients filters on it). */
  location_id: number;
}

export interface NexAppointment {
  id: number; patient_id: number | null; provider_id: number | null; provider_name: string | null; start_time: string;
  confirmed: boolean | null; patient_missed: boolean | null; created_at: string; updated_at: string; note: string | null;
  end_time: string; unavailable: boolean | null; cancelled: boolean; timezone: string; institution_id: number;
  appointment_type_id: number | null; checkin_at: string | null; location_id: number | null; foreign_id: string | null;
  foreign_id_type: string; misc: Record<string, unknown> | null; last_sync_time: string | null; patient_confirmed: boolean | null;
  created_by_user_id: number | null; is_guardian: boolean | null; patient_confirmed_at: string | null; cancelled_at: string | null;
  is_new_clients_patient: boolean | null; confirmed_at: string | null; sooner_if_possible: boolean | null; operatory_id: number | null;
  checked_out: boolean | null; checked_out_at: string | null; referrer: string | null; is_past_patient: boolean | null; timezone_offset: string;
}

export interface NexCoverage {
  id: number; subscription_relation: string; patient_id: number; priority: number; plan_id: number; subscriber_num: string | null;
  effective_date: string | null; expiration_date: string | null; insurance_type: 'dental' | 'medical' | 'vision'; updated_at: string; active: boolean;
}

export interface NexDocument {
  id: number; filename: string; type: string; url: string; created_at: string; document_type_id: number;
  /** Internal: the patient it belongs to. */
  patient_id: number;
}

export interface NexPrice {
  amount: string;
  currency: string;
}

export interface NexGuarantorBalance {
  id: number; foreign_id: string; guarantor_id: number; location_id: number; updated_at: string;
  write_off_estimate: NexPrice; total_balance: NexPrice; insurance_estimate: NexPrice; guarantor_portion: NexPrice;
  total_balance_under_30: NexPrice; total_balance_31_60: NexPrice; total_balance_61_90: NexPrice; total_balance_over_90: NexPrice;
}

export interface NexWebhookEndpoint {
  id: number; target_url: string; secret_key: string; active: boolean; created_at: string; updated_at: string;
  /** Internal: SHA-256 of the API key that created it (endpoints are per developer key). */
  owner: string;
}

export interface NexWebhookSubscription {
  id: number; webhook_endpoint_id: number; institution_id: number | null; resource_type: string; event: string;
  active: boolean; created_at: string; updated_at: string;
}

/** Everything one institution holds. Maps are keyed by id; ids are unique per table. */
export interface Institution {
  id: number;
  name: string;
  subdomain: string;
  locations: Map<number, NexLocation>;
  providers: Map<number, NexProvider>;
  operatories: Map<number, NexOperatory>;
  patients: Map<number, NexPatient>;
  appointments: Map<number, NexAppointment>;
  coverages: Map<number, NexCoverage>;
  documents: Map<number, NexDocument>;
  balances: Map<number, NexGuarantorBalance>;
  /** Next id per table, for rows the admin routes add. */
  nextId: Record<'patient' | 'appointment', number>;
}

/** The foreign_id_type of rows synced from the (simulated) OpenDental office behind NexHealth. */
export const OPENDENTAL_SOURCE = 'msg-opendental-DataSource-1';
