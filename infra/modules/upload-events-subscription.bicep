// The Event Grid subscription that delivers BlobCreated events for the upload container (and only that
// container) to the blob-triggered function ValidateUploadedWorkbook, through the Functions host's blob
// extension webhook (BlobTrigger with Source = BlobTriggerSource.EventGrid).
//
// Event Grid validates a webhook when the subscription is created, and the blobs_extension system key only
// exists once the code is running, so this module can only be deployed after the code: main.bicep deploys it
// when uploadEventsEnabled is true, which the azd postdeploy hook sets (infra/hooks/postdeploy.sh).

@description('Name of the storage account\'s system topic.')
param systemTopicName string

@description('Name of the function app.')
param functionAppName string

@description('Name of the blob-triggered function.')
param functionName string

@description('Container whose new blobs trigger the function.')
param uploadsContainerName string

@description('Name of the storage account (dead-letter destination).')
param storageAccountName string

@description('Container that receives dead-lettered events.')
param deadLetterContainerName string

@description('Minutes Event Grid keeps retrying a delivery before dead-lettering it.')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int = 1440

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' existing = {
  name: storageAccountName
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' existing = {
  name: functionAppName
}

// The host's system key for the blob extension's webhook (Microsoft.Web/sites/host has no Bicep types,
// so the key is listed through the resource ID).
var blobsExtensionKey = listKeys('${functionApp.id}/host/default', '2024-11-01').systemKeys.blobs_extension

resource uploadsToValidation 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: 'uploads-to-${toLower(functionName)}'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${blobsExtensionKey}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${uploadsContainerName}/blobs/'
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storage.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output name string = uploadsToValidation.name
