// The one storage account of the system:
// - the Functions host's storage (AzureWebJobsStorage: leases, keys, blob receipts, the Flex deployment package),
// - the app's tables and containers (PpsStorage: uploads, validation reports, reference data),
// - the static website ($web) that serves site/ and the published chart data under $web/data/.
// Shared-key access is off: every client (the function app, Event Grid, the deployer) uses Microsoft Entra ID.

@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Prefix of the app\'s table names (Pps__TablePrefix).')
param tablePrefix string

@description('Container that receives the uploaded workbooks (Pps__UploadsContainer).')
param uploadsContainerName string

@description('Container that holds the validation reports (Pps__ReportsContainer).')
param reportsContainerName string

@description('Container that holds reference data (Pps__ReferenceContainer).')
param referenceContainerName string

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
param softDeleteDays int = 7

@description('Days after which previous versions of host blobs (timer status, leases, keys, packages) are deleted.')
@minValue(1)
param hostVersionRetentionDays int = 7

@description('Index document of the static website.')
param indexDocument string = 'index.html'

@description('Page served by the static website for paths that do not exist.')
param errorDocument404Path string = '404.html'

// The app's tables: Pps__TablePrefix followed by these names (see StorageOptions in core/).
var tableSuffixes = [
  'Returns'
  'ReturnHistory'
  'Years'
  'Credentials'
]

var privateContainers = [
  uploadsContainerName
  reportsContainerName
  referenceContainerName
  deploymentContainerName
  deadLetterContainerName
]

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
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

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-08-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-08-01' = [
  for suffix in tableSuffixes: {
    parent: tableService
    name: '${tablePrefix}${suffix}'
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
          name: 'keep-published-versions'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '$web/data/'
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
output tableNames array = [for (suffix, i) in tableSuffixes: tables[i].name]
