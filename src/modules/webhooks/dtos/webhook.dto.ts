import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength,
} from 'class-validator';
import { WEBHOOK_DELIVERY_STATUSES } from '../webhook-delivery.entity';

const HEADER = /^[A-Za-z0-9-]{1,100}$/;
/** A scheme name: lower-case letters, digits and dashes (which ones exist is the registry's answer). */
const SCHEME = /^[a-z0-9-]{1,60}$/;

export class WebhookCreateDto {
  @ApiProperty({ format: 'uuid', description: 'The integration whose vendor sends the webhooks.', example: '7d0c2f7e-4a0e-4d7b-9a64-1b5f1f0c2a11' })
  @IsUUID() integrationId: string;

  @ApiProperty({ type: [String], description: "Event names to process (the vendor's `webhooks.events` in the catalog).", example: ['patients', 'appointments'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(60, { each: true }) events: string[];

  @ApiPropertyOptional({
    description: "Signature scheme, one of the vendor's `webhooks.schemes` in the catalog (standard-webhooks, hmac-sha256, hmac-sha512 or a scheme of the vendor's own); default: the vendor's `webhooks.defaultScheme`.",
    example: 'standard-webhooks',
  })
  @IsOptional()
  @Matches(SCHEME, { message: 'signatureAlgorithm must be a scheme name from the vendor catalog' })
  signatureAlgorithm?: string;

  @ApiPropertyOptional({ description: "Shared secret (standard-webhooks: `whsec_<base64>`; hmac-*: 16–200 characters). Generated when omitted; refused by a scheme that checks one of the integration's credentials instead.", example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  @IsOptional() @IsString() @MinLength(16) @MaxLength(200) secret?: string;

  @ApiPropertyOptional({ description: 'hmac-*: header holding the hex signature (default x-hub-signature-256 / -512).', example: 'x-hub-signature-256' })
  @IsOptional() @Matches(HEADER, { message: 'signatureHeader must be a header name' }) signatureHeader?: string;

  @ApiPropertyOptional({ description: 'hmac-*: header holding the delivery id (default x-github-delivery; a body hash when absent).', example: 'x-github-delivery' })
  @IsOptional() @Matches(HEADER, { message: 'deliveryIdHeader must be a header name' }) deliveryIdHeader?: string;
}

export class AutoSyncDto {
  @ApiPropertyOptional({ type: [String], description: "Events to subscribe to; default: every event the vendor offers (catalog `webhooks.events`).", example: ['patients', 'appointments'] })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(60, { each: true }) events?: string[];
}

export class WebhookRotateDto {
  @ApiPropertyOptional({ description: 'How long the previous secret keeps verifying, in seconds (default 86400).', example: 86400 })
  @IsOptional() @IsInt() @Min(0) @Max(30 * 86400) graceSeconds?: number;
}

export class WebhookResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) integrationId: string;
  @ApiProperty({ type: [String] }) events: string[];
  @ApiProperty({ description: 'Signature scheme (see the vendor catalog `webhooks.schemes`).', example: 'standard-webhooks' }) signatureAlgorithm: string;
  @ApiPropertyOptional({ nullable: true, type: String }) signatureHeader: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) deliveryIdHeader: string | null;
  @ApiProperty({ description: 'Path the vendor must POST to.', example: '/api/v1/webhooks/7d0c2f7e-4a0e-4d7b-9a64-1b5f1f0c2a11' }) url: string;
  @ApiProperty({ description: 'The endpoint and its subscriptions were registered at the vendor (auto-sync); deleting removes them there.' }) registeredAtVendor: boolean;
  @ApiPropertyOptional({ description: 'The secret: shown only in the answer to create and rotate-secret.', type: String }) secret?: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time', description: 'Until when the previous secret still verifies.' }) previousSecretExpiresAt: Date | null;
  @ApiProperty() createdAt: Date;
}

export class WebhookDeliveryQueryDto {
  @ApiPropertyOptional({ enum: WEBHOOK_DELIVERY_STATUSES, description: 'Only deliveries in this status.' })
  @IsOptional() @IsIn(WEBHOOK_DELIVERY_STATUSES) status?: string;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page.' })
  @IsOptional() @IsString() @MaxLength(500) cursor?: string;

  @ApiPropertyOptional({ description: 'Page size (1–200, default 50).', example: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export class WebhookDeliveryResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) integrationId: string;
  @ApiProperty({ description: "The sender's delivery id (or `sha256:<body hash>` when it sends none)." }) deliveryId: string;
  @ApiProperty({ enum: WEBHOOK_DELIVERY_STATUSES }) status: string;
  @ApiProperty() attempts: number;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Records fetched and upserted.' }) changedCount: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) errorCode: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) errorMessage: string | null;
  @ApiProperty() receivedAt: Date;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) processedAt: Date | null;
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: WebhookDeliveryResponseDto, isArray: true }) data: WebhookDeliveryResponseDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}

export class WebhookAckDto {
  @ApiProperty({ description: 'Always true: the delivery is stored.' }) received: boolean;
  @ApiProperty({ description: 'True when this delivery id was already received (nothing done again).' }) duplicate: boolean;
}
