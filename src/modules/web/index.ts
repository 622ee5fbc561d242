export { WebModule } from './web.module';
export { PAGE_SESSION_ROUTE, PageSessionHook } from './pages/page-session.hook';
