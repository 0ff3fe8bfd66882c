// The one storage account of the system:
// - the Functions host's storage (AzureWebJobsStorage: leases, keys, blob receipts, the Flex deployment package),
// - the app's tables and containers (PpsStorage: uploads, validation reports, reference data),
// - the static website ($web) that serves site/ and the published chart data under $web/{publishedPrefix},
// - the private containers for NPPN's provisional sets and for the table backups (versioned, immutable),
// - diagnostic settings that send the blob and table logs to Log Analytics, and an optional delete lock.
// Shared-key access is off: every client (the function app, Event Grid, the deployer) uses Microsoft Entra ID.

@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('The app\'s tables (Pps__TablePrefix followed by each of the app\'s table names: main.bicep).')
param tableNames array

@description('Container that receives the uploaded workbooks (Pps__UploadsContainer).')
param uploadsContainerName string

@description('Container that holds the validation reports (Pps__ReportsContainer).')
param reportsContainerName string

@description('Container that holds reference data (Pps__ReferenceContainer).')
param referenceContainerName string

@description('Container of NPPN\'s provisional sets (Pps__ProvisionalContainer): private, never the static website.')
param provisionalContainerName string

@description('Container of the table backups (Pps__BackupsContainer): versioned blobs under an immutability policy.')
param backupsContainerName string

@description('Container the published figures are written to (Pps__PublishedContainer; $web, the static website).')
param publishedContainerName string

@description('Folder of the published figures inside that container (Pps__PublishedPrefix), with its trailing slash.')
param publishedPrefix string

@description('Days a backup cannot be changed or deleted (its immutability period); it is deleted the day after.')
@minValue(1)
@maxValue(3650)
param backupRetentionDays int

@description('Redundancy of the storage account (see docs/deploy.md for what each costs).')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param skuName string

@description('Put a CanNotDelete lock on the storage account (it must be removed before azd down).')
param deleteLock bool

@description('Log Analytics workspace that receives the storage account\'s blob and table logs.')
param logAnalyticsWorkspaceId string

@description('Container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Container that receives Event Grid deliveries that could not be made (dead letters).')
param deadLetterContainerName string

@description('Days after which uploaded workbooks (and their old versions) are deleted.')
@minValue(30)
param uploadRetentionDays int

@description('Days after which validation reports and dead-lettered events are deleted.')
@minValue(30)
param reportRetentionDays int

@description('Days for which deleted blobs and containers can be restored (soft delete).')
@minValue(1)
@maxValue(365)
param softDeleteDays int

@description('Days after which previous versions of host blobs (timer status, leases, keys, packages) are deleted.')
@minValue(1)
param hostVersionRetentionDays int = 7

@description('Index document of the static website.')
param indexDocument string = 'index.html'

@description('Page served by the static website for paths that do not exist.')
param errorDocument404Path string = '404.html'

var privateContainers = [
  uploadsContainerName
  reportsContainerName
  referenceContainerName
  provisionalContainerName
  deploymentContainerName
  deadLetterContainerName
]

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
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
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      services: {
        blob: {
          enabled: true
        }
        file: {
          enabled: true
        }
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-08-01' = {
  parent: storage
  name: 'default'
  properties: {
    // Every overwrite of a published file keeps the previous one as a version (see the lifecycle rules).
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
    // Static website hosting (creates the $web container). Served anonymously over HTTPS from the
    // account's web endpoint, whatever allowBlobPublicAccess says.
    staticWebsite: {
      enabled: true
      indexDocument: indexDocument
      errorDocument404Path: errorDocument404Path
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-08-01' = [
  for containerName in privateContainers: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

// Backups: every blob is a version under a time-based immutability (WORM) policy, so not even the app can change
// or delete a backup before backupRetentionDays have passed. The policy is left unlocked, so that an account owner
// can still lengthen (or, unlocked, remove) it; locking it is a one-way step (docs/deploy.md).
resource backupsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-08-01' = {
  parent: blobService
  name: backupsContainerName
  properties: {
    publicAccess: 'None'
    immutableStorageWithVersioning: {
      enabled: true
    }
  }
}

resource backupsImmutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2025-08-01' = {
  parent: backupsContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: backupRetentionDays
    allowProtectedAppendWrites: false
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-08-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-08-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

// Lifecycle rules. Nothing under $web/ is ever deleted by a rule: every published version of the
// chart data is kept (old versions move to the Cool tier); uploads and reports expire after a set time.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-08-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-uploads'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${uploadsContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: uploadRetentionDays
                }
              }
              version: {
                delete: {
                  daysAfterCreationGreaterThan: uploadRetentionDays
                }
              }
              snapshot: {
                delete: {
                  daysAfterCreationGreaterThan: uploadRetentionDays
                }
              }
            }
          }
        }
        {
          name: 'expire-reports-and-dead-letters'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${reportsContainerName}/'
                '${deadLetterContainerName}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: reportRetentionDays
                }
              }
              version: {
                delete: {
                  daysAfterCreationGreaterThan: reportRetentionDays
                }
              }
            }
          }
        }
        {
          name: 'trim-host-versions'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'azure-webjobs-hosts/'
                'azure-webjobs-secrets/'
                '${deploymentContainerName}/'
              ]
            }
            actions: {
              version: {
                delete: {
                  daysAfterCreationGreaterThan: hostVersionRetentionDays
                }
              }
            }
          }
        }
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
        {
          name: 'keep-published-versions'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${publishedContainerName}/${publishedPrefix}'
              ]
            }
            actions: {
              version: {
                tierToCool: {
                  daysAfterCreationGreaterThan: 30
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

// Blob and table logs (reads, writes, deletes) and transaction metrics to Log Analytics: who touched what, when.
resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'StorageRead'
        enabled: true
      }
      {
        category: 'StorageWrite'
        enabled: true
      }
      {
        category: 'StorageDelete'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'StorageRead'
        enabled: true
      }
      {
        category: 'StorageWrite'
        enabled: true
      }
      {
        category: 'StorageDelete'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

// Stops the account (and with it every return) being deleted by accident, by a person or by `azd down`.
resource lock 'Microsoft.Authorization/locks@2020-05-01' = if (deleteLock) {
  name: 'do-not-delete-returns'
  scope: storage
  properties: {
    level: 'CanNotDelete'
    notes: 'Holds every return, its audit trail and the published figures. Remove this lock only to delete the system on purpose.'
  }
}

output name string = storage.name
output id string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
@description('The static website\'s URL, with a trailing slash.')
output webEndpoint string = storage.properties.primaryEndpoints.web
@description('The static website\'s origin (no trailing slash), for CORS.')
output webOrigin string = endsWith(storage.properties.primaryEndpoints.web, '/')
  ? take(storage.properties.primaryEndpoints.web, length(storage.properties.primaryEndpoints.web) - 1)
  : storage.properties.primaryEndpoints.web
output tableNames array = [for (tableName, i) in tableNames: tables[i].name]
