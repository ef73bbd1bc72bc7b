import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Transform } from 'class-transformer';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class OrganizationCreateDto {
  @ApiProperty({ description: 'Display name of the organization (practice or product team).', example: 'Bright Smiles Dental Group' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}

export class ApiKeyCreateDto {
  @ApiProperty({ description: 'A label for the key, e.g. the app that uses it.', example: 'scheduling-frontend' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;
}

export class ApiKeyResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'default' }) name: string;
  @ApiProperty({ description: 'Public part of the key, used to look it up.', example: 'ehk_3f9a0c1d2e4b' }) prefix: string;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) lastUsedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) revokedAt: Date | null;
}

export class ApiKeyCreatedDto extends ApiKeyResponseDto {
  @ApiProperty({ description: 'The plaintext key. Shown only in this response: store it now.', example: 'ehk_3f9a0c1d2e4b_…' })
  key: string;
}

export class OrganizationResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Bright Smiles Dental Group' }) name: string;
  @ApiProperty() createdAt: Date;
}

export class OrganizationCreatedDto extends OrganizationResponseDto {
  @ApiProperty({ type: ApiKeyCreatedDto, description: 'The first API key of the organization (plaintext shown once).' })
  apiKey: ApiKeyCreatedDto;
}
