// The backups' second home: a storage account in another region (the paired region by default, main.bicep), to
// which the BackupTables function writes every backup after writing it beside the data (adapters/Backup/TableBackup.cs,
// "PpsBackupCopy"). Losing the data's account (deleted, encrypted by an attacker with the app's rights) or its region
// loses no backup. The app writes with its user-assigned identity, which holds Storage Blob Data Contributor on this
// container only; shared keys are off, so nothing here needs (or accepts) a key. Object replication was the other
// way; the app writes instead because a copy it cannot write fails the backup, which the backup-missed alert sees
// (replication lags silently), and because the same code path is rehearsed on Azurite (tests/Backup/RestoreRunbookTests).
// The container has the same version-level immutability as the first account's, 30-day soft delete and a delete lock.

@description('Name of the backup copy\'s storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Region of the copy: not the data\'s.')
param location string

@description('Tags for every resource.')
param tags object

@description('Container of the backup copies (Pps__BackupCopyContainer).')
param backupsContainerName string

@description('Days a backup cannot be changed or deleted; it is deleted the day after.')
@minValue(1)
@maxValue(3650)
param backupRetentionDays int

@description('Days for which a deleted blob or container can be restored.')
@minValue(1)
@maxValue(365)
param softDeleteDays int

@description('Put a CanNotDelete lock on the account.')
param deleteLock bool

@description('Name of the function app\'s user-assigned identity, which writes the copies.')
param appIdentityName string

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: appIdentityName
}

resource account 'Microsoft.Storage/storageAccounts@2025-08-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    // Already away from the data's region: three copies there are enough.
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-08-01' = {
  parent: account
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
  }
}

resource backups 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-08-01' = {
  parent: blobService
  name: backupsContainerName
  properties: {
    publicAccess: 'None'
    immutableStorageWithVersioning: {
      enabled: true
    }
  }
}

// Unlocked, as the first account's: locking it is the documented production step (docs/deploy.md).
resource immutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2025-08-01' = {
  parent: backups
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: backupRetentionDays
    allowProtectedAppendWrites: false
  }
}

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-08-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-backups'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${backupsContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: backupRetentionDays + 1
                }
              }
              version: {
                delete: {
                  daysAfterCreationGreaterThan: backupRetentionDays + 1
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    blobService
  ]
}

resource appWritesCopies 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(backups.id, appIdentity.id, storageBlobDataContributor)
  scope: backups
  properties: {
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
  }
}

resource lock 'Microsoft.Authorization/locks@2020-05-01' = if (deleteLock) {
  name: 'do-not-delete-backups'
  scope: account
  properties: {
    level: 'CanNotDelete'
    notes: 'Holds the copies of the table backups, away from the data\'s region. Remove this lock only to delete the system on purpose.'
  }
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
