// Role assignments of least privilege, assigned before the function app is created (main.bicep), to the app's
// user-assigned identity (modules/identity.bicep), all scoped to the single storage account, its tables or
// Application Insights (never to the resource group):
//   Storage Blob Data Contributor  - host leases/keys/blob receipts, the Flex deployment package, the app's
//                                    containers and the static website's $web (published data). Not "Owner":
//                                    the app never manages ACLs or ownership.
//   Storage Queue Data Contributor - the Event Grid blob trigger's poison queue.
//   Storage Table Data Contributor - on each of the app's tables (tableNames), not on the account: the app can read
//                                    and write the entities of its own tables and cannot create, list or delete
//                                    others. The template creates the tables (storage.bicep), so the app does not
//                                    (Pps__TablesProvisioned, function-app.bicep).
//   Monitoring Metrics Publisher   - sending telemetry to Application Insights with Entra ID (local auth off).
// Optionally, the person or pipeline that runs `azd` gets Storage Blob Data Contributor on the static website's
// container ($web) only, so that the postdeploy hook can upload site/: no access to returns, uploads or backups.

@description('Name of the storage account.')
param storageAccountName string

@description('Name of the Application Insights resource.')
param applicationInsightsName string

@description('Name of the function app\'s user-assigned identity.')
param appIdentityName string

@description('Container of the static website (the only one the deployer may write to).')
param siteContainerName string

@description('The app\'s tables, which storage.bicep creates: the only ones the app\'s identity may use.')
param tableNames array

@description('Object ID of the deployer (azd sets AZURE_PRINCIPAL_ID); empty for none.')
param deployerPrincipalId string = ''

@description('Kind of principal the deployer is.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param deployerPrincipalType string = 'User'

var roleIds = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

var functionStorageRoles = [
  roleIds.storageBlobDataContributor
  roleIds.storageQueueDataContributor
]

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource siteContainer 'containers' existing = {
      name: siteContainerName
    }
  }

  resource tableService 'tableServices' existing = {
    name: 'default'
  }
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-08-01' existing = [
  for tableName in tableNames: {
    parent: storage::tableService
    name: tableName
  }
]

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: appIdentityName
}

resource functionStorageAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in functionStorageRoles: {
    name: guid(storage.id, appIdentity.id, roleId)
    scope: storage
    properties: {
      principalId: appIdentity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]

resource functionTableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (tableName, i) in tableNames: {
    name: guid(tables[i].id, appIdentity.id, roleIds.storageTableDataContributor)
    scope: tables[i]
    properties: {
      principalId: appIdentity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageTableDataContributor)
    }
  }
]

resource functionTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, appIdentity.id, roleIds.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
  }
}

resource deployerSiteUpload 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(storage::blobService::siteContainer.id, deployerPrincipalId, roleIds.storageBlobDataContributor)
  scope: storage::blobService::siteContainer
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataContributor)
  }
}
