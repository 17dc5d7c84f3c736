/**
 * awsJson1_1 errors for the admin APIs (docs/reference.md §7): body `{"__type": "<Type>", "Message": "…"}`
 * plus the modelled extra members (`Reason`, `ResourceType`, `ResourceId`), HTTP 400 unless the model
 * says otherwise. Both SDKs read the type from `__type` first.
 */
export class AdminError extends Error {
  readonly type: string;
  readonly status: number;
  readonly extra: Record<string, unknown>;

  constructor(type: string, message: string, extra: Record<string, unknown> = {}, status = 400) {
    super(message);
    this.name = "AdminError";
    this.type = type;
    this.status = status;
    this.extra = extra;
  }

  toBody(): Record<string, unknown> {
    return { __type: this.type, Message: this.message, ...this.extra };
  }
}

export const validation = (message: string, reason = "INVALID_PARAMETER"): AdminError =>
  new AdminError("ValidationException", message, { Reason: reason });

/** identitystore adds ResourceType/ResourceId; sso-admin only Message — extra members are harmless to both SDKs. */
export const notFound = (resourceType: string, resourceId: string, message?: string): AdminError =>
  new AdminError("ResourceNotFoundException", message ?? `${resourceType} not found: ${resourceId}`, {
    ResourceType: resourceType,
    ResourceId: resourceId,
    Reason: "RESOURCE_NOT_FOUND",
  });

export const conflict = (message: string, reason = "UNIQUENESS_CONSTRAINT_VIOLATION"): AdminError =>
  new AdminError("ConflictException", message, { Reason: reason });
