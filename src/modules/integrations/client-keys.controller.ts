import { Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { actorOf, Auth, OrgAuth, Public } from '../organizations/auth.context';
import { ClientKeysService } from './client-keys.service';

class PublicJwkDto {
  @ApiProperty({ enum: ['RSA', 'EC'] }) kty: string;
  @ApiProperty({ example: '5f0c7c1e-3f7e-4a43-9a57-0d6f1f1d2a10' }) kid: string;
  @ApiProperty({ enum: ['RS384', 'ES384'] }) alg: string;
  @ApiProperty({ enum: ['sig'] }) use: string;
  @ApiProperty({ required: false, description: 'RSA modulus (base64url).' }) n?: string;
  @ApiProperty({ required: false, description: 'RSA exponent (base64url).' }) e?: string;
  @ApiProperty({ required: false, enum: ['P-384'] }) crv?: string;
  @ApiProperty({ required: false, description: 'EC x coordinate (base64url).' }) x?: string;
  @ApiProperty({ required: false, description: 'EC y coordinate (base64url).' }) y?: string;
}

class JwksDto {
  @ApiProperty({ type: PublicJwkDto, isArray: true, description: 'The key in use first, then keys still in their grace period after a rotation.' }) keys: PublicJwkDto[];
}

class RetiringKeyDto {
  @ApiProperty() kid: string;
  @ApiProperty({ description: 'When the key leaves the JWKS (CLIENT_KEY_GRACE_SECONDS after the rotation).' }) retireAt: Date;
}

class KeyRotationDto {
  @ApiProperty({ description: 'The new key in use (also config.keyId now).' }) kid: string;
  @ApiProperty({ type: RetiringKeyDto, isArray: true }) retiring: RetiringKeyDto[];
}

/**
 * Hub-generated client keys of an integration (SMART Backend Services with a JWKS URL,
 * https://hl7.org/fhir/smart-app-launch/backend-services.html#registering-a-client-communicating-public-keys):
 * the public JWK Set an EHR fetches, and rotation.
 */
@ApiTags('integrations')
@Controller('api/v1/integrations')
export class ClientKeysController {
  constructor(private readonly keys: ClientKeysService) {}

  @Public()
  @Get(':id/jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: "The integration's public JWK Set for the EHR to verify client assertions (no authentication; public keys only)" })
  @ApiOkResponse({ type: JwksDto })
  @ApiNotFoundResponse({ description: 'Unknown integration, or one without a hub-generated key.' })
  jwks(@Param('id') id: string): Promise<JwksDto> {
    return this.keys.jwks(id);
  }

  @Post(':id/rotate-key')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Generate a new client key; the previous one stays in the JWKS for CLIENT_KEY_GRACE_SECONDS' })
  @ApiOkResponse({ type: KeyRotationDto })
  rotate(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<KeyRotationDto> {
    return this.keys.rotate({ organizationId: auth.organizationId, actorId: actorOf(auth), requestId: auth.requestId }, id);
  }
}
